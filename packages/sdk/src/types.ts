import type { components, paths } from './openapi.ts';

type Schemas = components['schemas'];

/** The JSON body an operation takes. */
export type BodyOf<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;

/** The query parameters an operation takes. */
export type QueryOf<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  parameters: { query?: infer Q };
}
  ? NonNullable<Q>
  : never;

export type Email = Schemas['Email'];
export type EmailEvent = Schemas['EmailEvent'];
export type Domain = Schemas['Domain'];
export type DnsRecord = Schemas['DnsRecord'];
export type ApiKey = Schemas['ApiKey'];
export type CreatedApiKey = Schemas['CreatedApiKey'];
export type Suppression = Schemas['Suppression'];
export type Template = Schemas['Template'];
export type Webhook = Schemas['Webhook'];
export type WebhookDelivery = Schemas['WebhookDelivery'];
export type Asset = Schemas['Asset'];
export type Contact = Schemas['Contact'];
export type List = Schemas['List'];
export type Campaign = Schemas['Campaign'];
export type EmailStatus = Email['status'];

export type SendEmailRequest = BodyOf<'/api/v1/emails', 'post'>;
export type SendBatchRequest = BodyOf<'/api/v1/emails/batch', 'post'>;
export type ListEmailsQuery = QueryOf<'/api/v1/emails', 'get'>;
