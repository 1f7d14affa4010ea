/**
 * A queue message body: JSON whose characters beyond the Basic Multilingual Plane (emoji,
 * rarer scripts) are written as `\uD83D\uDE80` escape pairs. It is the same JSON to every
 * reader, and holds only characters every SQS implementation accepts: some stand-ins
 * refuse U+10000 and above, which AWS allows.
 */
export function queueBody(value: unknown): string {
  return JSON.stringify(value).replace(/[\u{10000}-\u{10FFFF}]/gu, (char) =>
    [char.charCodeAt(0), char.charCodeAt(1)].map((unit) => `\\u${unit.toString(16)}`).join(''),
  );
}
