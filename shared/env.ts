import type { CapabilityName, CapabilityVariable } from '#shared/capabilities.ts';
import * as z from '#shared/zod.ts';

type Shape = z.core.$ZodShape;
type Values<S extends Shape> = z.infer<z.ZodMiniObject<S>>;

/** Parses the variables of `shape` from the environment, or throws naming each bad one and `hint`. */
function parse<S extends Shape>(shape: S, hint: string): Values<S> {
  const result = z.object(shape).safeParse(process.env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid environment (${problems.join('; ')}): ${hint}`);
  }
  return result.data;
}

/** Reads once, at the first call, and keeps the answer: a missing variable fails the path that needs it. */
function lazily<T>(read: () => T): () => T {
  let value: { read: T } | undefined;
  return () => {
    value ??= { read: read() };
    return value.read;
  };
}

/**
 * The variables a capability carries (`shared/capabilities.ts`), validated at first use;
 * given several capabilities, each must carry them and a function may hold any one.
 * Reading at first use, not at import, keeps schemas, types and constants importable
 * anywhere; a function missing the capability fails with its name the first time it
 * needs it, which the local runtime (one environment per function) shows in any test.
 */
export function capabilityEnv<
  C extends CapabilityName,
  const S extends Shape & { [K in Exclude<keyof S, CapabilityVariable<C>>]: never },
>(capability: C | readonly C[], shape: S): () => Values<S> {
  // A variable the capability does not carry fails `tsc` (the constraint on `S`), so the
  // capability table itself stays out of Lambda bundles.
  const names: readonly C[] = typeof capability === 'string' ? [capability] : capability;
  const wanted = names.map((name) => `"${name}"`).join(' or ');
  return lazily(() =>
    parse(
      shape,
      `this function needs the capability ${wanted}; declare it beside its entry (functions/routes.ts or shared/resources.ts)`,
    ),
  );
}

/** Variables the Lambda runtime (or ECS) sets for every function, such as `AWS_REGION`; read at first use. */
export function runtimeEnv<const S extends Shape>(shape: S): () => Values<S> {
  return lazily(() => parse(shape, 'set by the Lambda runtime for every function'));
}

/** A process's own settings, read at once: for entry points (the SMTP relay's main), never for shared modules. */
export function readEnv<const S extends Shape>(shape: S): Values<S> {
  return parse(shape, 'required by this process');
}
