import { en } from 'zod/locales';
import { config, memoizer } from 'zod/mini';

/**
 * zod for every schema that runs in a Lambda or the SMTP relay: `zod/mini`, the
 * tree-shakable API (a few tens of KB in a bundle instead of the classic API's ~440 KB),
 * configured the way the classic `zod` entry configures itself: English error messages
 * ("Invalid email address", "Too small: expected string to have >=1 characters", …),
 * which `zod/mini` does not load on its own, and the memoizer that gives objects, arrays
 * and records cycle support. Both must be set before a schema is built or parses, so take
 * zod only from here, as `import * as z from '#shared/zod.ts'` (a namespace import keeps
 * it tree-shakable). Build-time code (`infra/`, never bundled) uses the classic API.
 */
config(en());
config({ memoizer: memoizer() });

export * from 'zod/mini';
