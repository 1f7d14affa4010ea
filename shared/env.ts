import * as z from '#shared/zod.ts';

/**
 * Reads and validates the environment variables a module needs, once, at load time
 * (a Lambda cold start). A missing or malformed variable throws with its name, so a
 * misconfigured function fails loudly instead of sending with an empty setting.
 */
export function readEnv<const S extends z.core.$ZodShape>(shape: S): z.infer<z.ZodMiniObject<S>> {
  const result = z.object(shape).safeParse(process.env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid environment: ${problems.join('; ')}`);
  }
  return result.data;
}
