import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createHmac } from 'node:crypto';

/** Where the server under test writes its e-mails (file transport, see playwright.config.ts). */
export const outboxDir = () => {
  const dir = process.env.E2E_OUTBOX_DIR;
  if (!dir) throw new Error('E2E_OUTBOX_DIR is not set (playwright.config.ts sets it)');
  return dir;
};

export interface Mail {
  subject: string;
  text: string;
}

function decodeWords(header: string): string {
  // Whitespace between two encoded words is not part of the text (RFC 2047, 6.2).
  return header.replace(/(\?=)\s+(?==\?)/g, '$1').replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_, kind: string, data: string) =>
    kind.toLowerCase() === 'b'
      ? Buffer.from(data, 'base64').toString('utf8')
      : decodeQuotedPrintable(data.replace(/_/g, ' ')),
  );
}

function decodeQuotedPrintable(body: string): string {
  const bytes = body
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/gi, (_, hex: string) => `%${hex}`)
    .replace(/%(?![0-9A-F]{2})/gi, '%25');
  return decodeURIComponent(bytes);
}

/** Headers (unfolded) and body of one MIME entity. */
function split(entity: string): { headers: Map<string, string>; body: string } {
  const cut = entity.search(/\r?\n\r?\n/);
  const head = entity.slice(0, cut).replace(/\r?\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body: entity.slice(cut).replace(/^\r?\n\r?\n/, '') };
}

function decodeBody(headers: Map<string, string>, body: string): string {
  const encoding = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body);
  return body;
}

/** The boundary between a multipart entity's parts, from its Content-Type. */
const boundaryOf = (type: string) => /boundary="?([^";\r\n]+)"?/i.exec(type)?.[1];

/** The first text/plain entity, looking into nested multiparts (mixed → alternative). */
function findText(headers: Map<string, string>, body: string): string | undefined {
  const type = headers.get('content-type') ?? 'text/plain';
  if (type.startsWith('text/plain')) return decodeBody(headers, body);
  const boundary = boundaryOf(type);
  if (!boundary) return undefined;
  for (const part of body.split(`--${boundary}`).slice(1)) {
    if (part.startsWith('--')) break;
    const entity = split(part.replace(/^\r?\n/, ''));
    const text = findText(entity.headers, entity.body);
    if (text !== undefined) return text;
  }
  return undefined;
}

/** The text/plain part of a raw message. */
export function parseMail(raw: string): Mail & { to: string } {
  const { headers, body } = split(raw);
  const subject = decodeWords(headers.get('subject') ?? '');
  const to = decodeWords(headers.get('to') ?? '');
  const text = findText(headers, body);
  if (text === undefined) throw new Error(`no text/plain part in message "${subject}"`);
  return { subject, to, text };
}

/** The message in the outbox file at `path`, or `undefined` while it is not whole: the server
 * writes the file in place (lettre's file transport), so a wait may read it half-written (a
 * multipart message without its closing boundary, or one that does not parse); the next poll
 * reads it again. */
async function readMail(path: string): Promise<(Mail & { to: string }) | undefined> {
  try {
    const raw = await readFile(path, 'utf8');
    const boundary = boundaryOf(split(raw).headers.get('content-type') ?? '');
    if (boundary && !raw.includes(`--${boundary}--`)) return undefined;
    return parseMail(raw);
  } catch {
    return undefined;
  }
}

/** Waits until a message to `address` whose subject matches arrives in the outbox. */
export async function waitForMail(address: string, subject: RegExp, timeoutMs = 30_000): Promise<Mail> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const names = await readdir(outboxDir()).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.endsWith('.eml'))) {
      const mail = await readMail(join(outboxDir(), name));
      if (mail && mail.to.includes(address) && subject.test(mail.subject)) return mail;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no e-mail to ${address} with subject ${subject} within ${timeoutMs} ms`);
}

/** At least `count` e-mails to `address` whose subject matches, oldest first (by file time). */
export async function waitForMails(address: string, subject: RegExp, count: number, timeoutMs = 30_000): Promise<Mail[]> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const names = await readdir(outboxDir()).catch(() => [] as string[]);
    const found: { at: number; mail: Mail }[] = [];
    for (const name of names.filter((n) => n.endsWith('.eml'))) {
      const path = join(outboxDir(), name);
      const mail = await readMail(path);
      if (mail && mail.to.includes(address) && subject.test(mail.subject)) found.push({ at: (await stat(path)).mtimeMs, mail });
    }
    if (found.length >= count) return found.sort((a, b) => a.at - b.at).map((f) => f.mail);
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`fewer than ${count} e-mails to ${address} with subject ${subject} within ${timeoutMs} ms`);
}

/** The first link in `text` whose path starts with `path`. */
export function linkIn(text: string, path: string): string {
  const match = new RegExp(`https?://\\S+?${path.replace(/[/?]/g, '\\$&')}\\S*`).exec(text);
  if (!match) throw new Error(`no link to ${path} in:\n${text}`);
  return match[0];
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 6238 TOTP (HMAC-SHA1, 30 s, 6 digits) written here independently of the server. */
export function totp(secretBase32: string, unixSeconds: number): string {
  const clean = secretBase32.replace(/[\s=]/g, '').toUpperCase();
  let bits = '';
  for (const c of clean) bits += BASE32.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unixSeconds / 30)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return value.toString().padStart(6, '0');
}
