import { Ajv2020 } from 'ajv/dist/2020.js';

/**
 * Holds every answer the integration suite receives to the published OpenAPI document:
 * its status must be one the operation documents, and its body must match that status's
 * schema. Checking the document itself (not the zod schemas it comes from) proves what a
 * client generated from it would see.
 */
export async function documentChecker(apiUrl: string) {
  // biome-ignore lint/suspicious/noExplicitAny: the document is read by path.
  const document = (await (await fetch(`${apiUrl}/api/v1/openapi.json`)).json()) as any;
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema(document, 'openapi');
  // Literal segments before parameters, as API Gateway routes: `/emails/batch` before `/emails/{id}`.
  const operations = Object.entries(document.paths as Record<string, Record<string, unknown>>)
    .map(([path, methods]) => ({
      pattern: new RegExp(`^${path.replace(/\{\w+\}/g, '[^/]+')}$`),
      parameters: path.split('{').length,
      methods,
    }))
    .sort((a, b) => a.parameters - b.parameters);
  const validators = new Map<string, ReturnType<typeof ajv.compile>>();
  const validatorFor = (ref: string) => {
    let validator = validators.get(ref);
    if (!validator) {
      validator = ajv.compile({ $ref: `openapi${ref}` });
      validators.set(ref, validator);
    }
    return validator;
  };

  /** Throws when `body` is not what the document says `method path` answers with `status`. */
  return (method: string, url: string, status: number, body: unknown) => {
    const path = new URL(url, apiUrl).pathname;
    const operation = operations.find(
      ({ pattern, methods }) => pattern.test(path) && method.toLowerCase() in methods,
    )?.methods[method.toLowerCase()] as
      | {
          operationId: string;
          responses: Record<
            string,
            { $ref?: string; content?: Record<string, { schema: { $ref: string } }> }
          >;
        }
      | undefined;
    if (!operation) return;
    const documented = operation.responses[String(status)];
    if (!documented)
      throw new Error(
        `${method} ${path} answered ${status}, a status its OpenAPI operation does not document`,
      );
    const response = documented.$ref
      ? document.components.responses[documented.$ref.split('/').at(-1) as string]
      : documented;
    const schema = response.content?.['application/json']?.schema?.$ref as string | undefined;
    if (!schema) return;
    const validate = validatorFor(schema);
    if (!validate(body))
      throw new Error(
        `${method} ${path} answered ${status} with a body the OpenAPI document (${schema}) does not describe: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 2000)}`,
      );
  };
}
