import * as z from '#shared/zod.ts';

/** SES refuses messages carrying attachments with these extensions ("Unsupported attachment types"). */
export const blockedExtensions = new Set(
  (
    'ade adp app asp bas bat cer chm cmd com cpl crt csh der exe fxp gadget hlp hta inf ins isp its js jse ksh ' +
    'lib lnk mad maf mag mam maq mar mas mat mau mav maw mda mdb mde mdt mdw mdz msc msh msh1 msh2 mshxml ' +
    'msh1xml msh2xml msi msp mst ops pcd pif plg prf prg reg scf scr sct shb shs sys ps1 ps1xml ps2 ps2xml ' +
    'psc1 psc2 tmp url vb vbe vbs vps vsmacros vss vst vsw vxd ws wsc wsf wsh xnk'
  ).split(' '),
);

/** At most this many attachments per email. */
export const maxAttachments = 10;

/** SES's limit on a whole message, headers and encoded parts included. */
export const maxMessageBytes = 40 * 1024 * 1024;

const base64 = /^[A-Za-z0-9+/]*={0,2}$/;
const mediaType = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/i;

export const attachmentSchema = z.strictObject({
  filename: z.string().check(
    z.trim(),
    z.minLength(1),
    z.maxLength(255),
    z.refine((name) => !/[\\/\r\n]/.test(name), 'must be a bare file name'),
    z.refine(
      (name) => !blockedExtensions.has(name.split('.').pop()?.toLowerCase() ?? ''),
      'has a file type SES does not deliver',
    ),
  ),
  content: z
    .pipe(
      z.string().check(z.minLength(1)),
      z.transform((value) => value.replace(/\s+/g, '')),
    )
    .check(z.refine((value) => base64.test(value) && value.length % 4 === 0, 'must be base64')),
  content_type: z.optional(
    z.string().check(
      z.regex(mediaType, 'must be a media type such as application/pdf'),
      z.refine((type) => !/^(application\/(x-msdownload|x-msdos-program|x-ms-installer|hta))$/i.test(type), {
        message: 'is an executable type SES does not deliver',
      }),
    ),
  ),
  /** Set to reference the attachment from the HTML as `cid:<content_id>` (an inline image). */
  content_id: z.optional(z.string().check(z.regex(/^[A-Za-z0-9._@-]{1,78}$/))),
});

export type AttachmentInput = z.infer<typeof attachmentSchema>;

/** Decoded size of a base64 string, without decoding it. */
export function decodedSize(content: string): number {
  return Math.floor((content.length * 3) / 4) - (content.endsWith('==') ? 2 : content.endsWith('=') ? 1 : 0);
}
