export type { MailroomOptions, WriteOptions } from './core.ts';
export { Mailroom, type SendTemplateRequest } from './mailroom.ts';
export type { components, operations, paths } from './openapi.ts';
export type { Page } from './pagination.ts';
export type { AssetUpload } from './resources/assets.ts';
export { type ErrorCode, type MailroomApiError, MailroomError, type Result } from './result.ts';
export type * from './types.ts';
export { verifyWebhook } from './verify-webhook.ts';
