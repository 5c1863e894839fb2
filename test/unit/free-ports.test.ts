// The test setup's port reservation (infra/test/global-setup.ts): distinct ports, free when
// returned, and below the kernel's ephemeral range, where no outgoing connection takes its local
// port while a child process is starting to bind the reserved one.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, expect, test } from 'vitest';
import { freePorts } from '../../infra/test/global-setup.js';

const ephemeralLow = (): number => Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);

describe('freePorts', () => {
  test('n distinct ports, each free to bind, below the ephemeral range', async () => {
    const ports = await freePorts(12);
    expect(new Set(ports).size).toBe(12);
    const low = ephemeralLow();
    for (const p of ports) expect(p).toBeLessThan(low);
    for (const p of ports) {
      await new Promise<void>((resolve, reject) => {
        const s = createServer();
        s.once('error', reject);
        s.listen(p, '127.0.0.1', () => s.close(() => resolve()));
      });
    }
  });
});
