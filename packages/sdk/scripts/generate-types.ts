import { writeFile } from 'node:fs/promises';
import { generateTypes, typesFile } from './openapi-types.ts';

await writeFile(typesFile, await generateTypes());
console.log(`wrote ${typesFile.pathname}`);
