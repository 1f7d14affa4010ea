/**
 * What an uploaded file is, judged from its bytes (never from its name or the client's
 * `Content-Type`), and how it may be served.
 */
import { fileTypeFromBuffer } from 'file-type';

export const assetCategories = ['image', 'pdf', 'document', 'video', 'audio', 'other'] as const;
export type AssetCategory = (typeof assetCategories)[number];

export interface AssetContent {
  contentType: string;
  category: AssetCategory;
  /** Shown in the browser (raster images, video, audio); anything else downloads. */
  inline: boolean;
}

const documentTypes = [
  /^application\/(msword|rtf|epub\+zip|vnd\.ms-(excel|powerpoint))$/,
  /^application\/vnd\.(openxmlformats-officedocument|oasis\.opendocument)\./,
  /^text\/(plain|csv)/,
];

/** Text that a browser would run or render as a page when shown inline. */
function sniffText(bytes: Buffer): string | undefined {
  const head = bytes.subarray(0, 8192);
  if (head.includes(0)) return undefined;
  const text = new TextDecoder('utf-8', { fatal: false })
    .decode(head)
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (text.includes('\uFFFD')) return undefined;
  if (/<svg[\s>]/i.test(text)) return 'image/svg+xml';
  if (/^<!doctype html|<(html|head|body|script|iframe|object|embed)[\s>/]/i.test(text)) return 'text/html';
  if (/^<\?xml/i.test(text)) return 'application/xml';
  return 'text/plain; charset=utf-8';
}

function categoryOf(contentType: string): AssetCategory {
  if (contentType.startsWith('image/')) return 'image';
  if (contentType === 'application/pdf') return 'pdf';
  if (contentType.startsWith('video/')) return 'video';
  if (contentType.startsWith('audio/')) return 'audio';
  if (documentTypes.some((pattern) => pattern.test(contentType))) return 'document';
  return 'other';
}

/** The file's type from its magic bytes, else from its text; unknown binary is `application/octet-stream`. */
export async function detectContent(bytes: Buffer): Promise<AssetContent> {
  const detected = (await fileTypeFromBuffer(bytes))?.mime ?? sniffText(bytes) ?? 'application/octet-stream';
  const category = categoryOf(detected);
  const inline =
    (category === 'image' && detected !== 'image/svg+xml') || category === 'video' || category === 'audio';
  return { contentType: detected, category, inline };
}

/** A file name safe in a URL path and a header: letters, digits, `.`, `-`, `_`; at most 100 characters. */
export function safeFileName(name: string | undefined): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  const safe = base
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[.-]+/, '')
    .slice(-100);
  return safe || 'file';
}
