// Throwaway X.509 material for TLS/mTLS tests, made at test time with the openssl CLI in a fresh
// temporary directory (nothing is committed, nothing outlives cleanup()):
//   ca        a self-signed CA, trusted by clients and used by servers to verify client certs
//   server    signed by ca, subjectAltName DNS:localhost, IP:127.0.0.1, IP:::1 (serverAuth)
//   client    signed by ca (clientAuth): accepted by an mTLS listener
//   rogueCa   an unrelated self-signed CA, and rogueClient signed by it: refused by that listener
// Keys are EC P-256 (generation takes milliseconds, unlike RSA). Extensions come from our own
// config file, so the host's openssl.cnf defaults do not matter (RFC 5280 §4.2.1.9: a CA needs
// basicConstraints CA:TRUE; Node/OpenSSL check extendedKeyUsage against the peer's role).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { RequestOptions } from 'node:https';

export interface PemPair {
  /** Path of the PEM certificate. */
  certFile: string;
  /** Path of the PEM private key (unencrypted). */
  keyFile: string;
  cert: Buffer;
  key: Buffer;
}

export interface TestPki {
  dir: string;
  ca: PemPair;
  server: PemPair;
  client: PemPair;
  rogueCa: PemPair;
  rogueClient: PemPair;
  /** Removes the directory. */
  cleanup(): void;
}

const CONFIG = `
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[client_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
`;

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: Buffer };
    if (e.code === 'ENOENT') {
      throw new Error('the TLS tests need the openssl command-line tool to make certificates: install openssl (Debian/Ubuntu: apt-get install openssl; macOS: brew install openssl) and make sure it is on PATH');
    }
    throw new Error(`openssl ${args.join(' ')} failed: ${e.stderr?.toString() ?? e.message}`);
  }
}

const KEY_ARGS = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function pair(dir: string, name: string): PemPair {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  return { certFile, keyFile, cert: readFileSync(certFile), key: readFileSync(keyFile) };
}

function selfSignedCa(dir: string, name: string, cn: string): PemPair {
  openssl(['req', '-x509', '-config', 'openssl.cnf', ...KEY_ARGS, '-keyout', `${name}.key`, '-out', `${name}.crt`,
    '-days', '2', '-subj', `/CN=${cn}`, '-extensions', 'ca_ext'], dir);
  return pair(dir, name);
}

let serial = 1000;
function signed(dir: string, name: string, cn: string, ca: string, ext: 'server_ext' | 'client_ext'): PemPair {
  openssl(['req', '-new', '-config', 'openssl.cnf', ...KEY_ARGS, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`], dir);
  openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-set_serial', String(++serial),
    '-days', '2', '-sha256', '-extfile', 'openssl.cnf', '-extensions', ext, '-out', `${name}.crt`], dir);
  return pair(dir, name);
}

/** A CA, a server certificate for localhost/127.0.0.1, a client certificate, and an unrelated CA + client. */
export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-tls-'));
  try {
    writeFileSync(join(dir, 'openssl.cnf'), CONFIG);
    const ca = selfSignedCa(dir, 'ca', 'Vigil Test CA');
    const server = signed(dir, 'server', 'localhost', 'ca', 'server_ext');
    const client = signed(dir, 'client', 'vigil-test-client', 'ca', 'client_ext');
    const rogueCa = selfSignedCa(dir, 'rogue-ca', 'Unrelated Test CA');
    const rogueClient = signed(dir, 'rogue-client', 'vigil-test-client', 'rogue-ca', 'client_ext');
    return { dir, ca, server, client, rogueCa, rogueClient, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/**
 * GET `path` on 127.0.0.1:`port` over HTTPS (over plain HTTP with `plain`); resolves with
 * "<status> <body>", or with "error: <message>" when no answer came (a refused handshake).
 */
export function tlsGet(port: number, path: string, options: RequestOptions & { plain?: boolean } = {}): Promise<string> {
  const { plain, ...rest } = options;
  return new Promise((resolve) => {
    const req = (plain ? httpRequest : httpsRequest)({ host: '127.0.0.1', port, path, method: 'GET', ...rest }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => resolve(`${res.statusCode} ${body}`));
    });
    req.on('error', (err) => resolve(`error: ${err.message}`));
    req.end();
  });
}
