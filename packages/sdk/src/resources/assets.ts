import type { Core, WriteOptions } from '../core.ts';
import { paginate } from '../pagination.ts';
import type { QueryOf } from '../types.ts';

type ListQuery = QueryOf<'/api/v1/assets', 'get'>;

export interface AssetUpload {
  /** The file's bytes. */
  content: Blob | Uint8Array | ArrayBuffer;
  filename: string;
  contentType?: string;
}

export class Assets {
  private readonly core: Core;

  constructor(core: Core) {
    this.core = core;
  }

  /** Stores a file (an image for a campaign, a PDF) and answers its public URL. */
  upload(file: AssetUpload, options?: WriteOptions) {
    const blob =
      file.content instanceof Blob
        ? file.content
        : new Blob([new Uint8Array(file.content)], file.contentType ? { type: file.contentType } : {});
    const form = new FormData();
    form.append('file', blob, file.filename);
    return this.core.write(
      (headers) =>
        this.core.client.POST('/api/v1/assets', {
          // biome-ignore lint/suspicious/noExplicitAny: the multipart body is built here, not from the typed schema.
          body: form as any,
          bodySerializer: (body) => body as unknown as FormData,
          headers,
        }),
      options,
    );
  }

  list(query: ListQuery = {}) {
    return this.core.read(() => this.core.client.GET('/api/v1/assets', { params: { query } }));
  }

  iterate(query: Omit<ListQuery, 'cursor'> = {}) {
    return paginate(
      (cursor) => this.list({ ...query, ...(cursor ? { cursor } : {}) }),
      (page) => ({ items: page.data, next: page.next_cursor }),
    );
  }

  get(id: string) {
    return this.core.read(() => this.core.client.GET('/api/v1/assets/{id}', { params: { path: { id } } }));
  }

  remove(id: string) {
    return this.core.write(() =>
      this.core.client.DELETE('/api/v1/assets/{id}', { params: { path: { id } } }),
    );
  }
}
