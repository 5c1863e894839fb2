import { z } from 'zod';

/** TLS options shared by every listener. `cert`/`key`/`ca` are file paths. */
export const tlsSchema = z
  .object({
    enabled: z.boolean().default(false),
    certFile: z.string().optional(),
    keyFile: z.string().optional(),
    /** CA bundle used to verify client certificates (mTLS). */
    caFile: z.string().optional(),
    /** Require and verify a client certificate (mTLS). */
    requireClientCert: z.boolean().default(false),
  })
  .strict()
  .superRefine((tls, ctx) => {
    if (tls.enabled && (!tls.certFile || !tls.keyFile)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'tls.enabled needs certFile and keyFile' });
    }
    if (tls.requireClientCert && !tls.caFile) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'requireClientCert needs caFile' });
    }
  });

/** Bearer-token authentication shared by every listener. Tokens are secrets: never logged. */
export const authSchema = z
  .object({
    /** Accepted bearer tokens. Empty means authentication is off. */
    bearerTokens: z.array(z.string().min(16, 'a bearer token needs at least 16 characters')).default([]),
  })
  .strict();

export const listenerSchema = (defaultPort: number) =>
  z
    .object({
      /** 127.0.0.1 by default; 0.0.0.0 only when configured. */
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(defaultPort),
      tls: tlsSchema.default({}),
      auth: authSchema.default({}),
    })
    .strict();

export type TlsConfig = z.infer<typeof tlsSchema>;
export type AuthConfig = z.infer<typeof authSchema>;
export type ListenerConfig = z.infer<ReturnType<typeof listenerSchema>>;
