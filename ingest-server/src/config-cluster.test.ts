import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig: several machines', () => {
  it('is one node without REDIS_URL, named after the host and port', () => {
    const c = loadConfig({ PORT: '3100' });
    expect(c.cluster.redisUrl).toBeUndefined();
    expect(c.cluster.nodeId).toBe(`${hostname()}:3100`);
    expect(c.cluster.address).toBe('http://127.0.0.1:3100');
    expect(c.cluster.leaseMs).toBe(6_000);
  });

  it('reads REDIS_URL, NODE_ID and the lease time', () => {
    const c = loadConfig({ REDIS_URL: 'redis://10.0.0.5:6379/2', NODE_ID: 'node-a', CLUSTER_LEASE_MS: '3000', CLUSTER_ADDRESS: 'http://10.0.0.7:3000' });
    expect(c.cluster).toEqual({ redisUrl: 'redis://10.0.0.5:6379/2', nodeId: 'node-a', leaseMs: 3000, address: 'http://10.0.0.7:3000' });
  });

  it('refuses a REDIS_URL that is not redis:// and a lease too short to renew', () => {
    expect(() => loadConfig({ REDIS_URL: 'http://localhost:6379' })).toThrow(ConfigError);
    expect(() => loadConfig({ CLUSTER_LEASE_MS: '100' })).toThrow(/CLUSTER_LEASE_MS/);
    expect(() => loadConfig({ NODE_ID: 'a b' })).toThrow(/NODE_ID/);
  });
});
