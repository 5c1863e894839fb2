// PagerDuty V3 webhook signatures (developer.pagerduty.com, "Verifying Signatures"):
// `X-PagerDuty-Signature: v1=<hex>[,v1=<hex>...]`, each HMAC-SHA256(secret, raw body) in base16;
// several during a secret rotation. The request is authentic when at least one v1 matches;
// compared in constant time.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const PAGERDUTY_SIGNATURE_HEADER = 'x-pagerduty-signature';

export function signPagerDuty(secret: string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

export function verifyPagerDuty(secret: string, body: string, header: string | undefined): boolean {
  if (!header) return false;
  const want = createHmac('sha256', secret).update(body, 'utf8').digest();
  for (const part of header.split(',')) {
    const [version, hex] = part.trim().split('=', 2);
    if (version !== 'v1' || !hex || !/^[0-9a-fA-F]+$/.test(hex)) continue;
    const got = Buffer.from(hex, 'hex');
    if (got.length === want.length && timingSafeEqual(got, want)) return true;
  }
  return false;
}
