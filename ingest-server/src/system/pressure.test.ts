import { describe, expect, it } from 'vitest';
import { shedsUnderPressure } from './pressure.ts';

describe('shedsUnderPressure', () => {
  it('sheds the API, ingest and health, never the wall’s page or its assets', () => {
    expect(shedsUnderPressure('POST', '/api/v1/events')).toBe(true);
    expect(shedsUnderPressure('GET', '/api/v1/overview')).toBe(true);
    expect(shedsUnderPressure('GET', '/api/v1/cases?district=500112')).toBe(true);
    expect(shedsUnderPressure('GET', '/healthz')).toBe(true);
    expect(shedsUnderPressure('GET', '/metrics')).toBe(true);
    expect(shedsUnderPressure('POST', '/')).toBe(true);
    expect(shedsUnderPressure('GET', '/?display=dev-wall')).toBe(false);
    expect(shedsUnderPressure('GET', '/?display=dev-wall&at=2026-11-20T10:00')).toBe(false);
    expect(shedsUnderPressure('HEAD', '/')).toBe(false);
    expect(shedsUnderPressure('GET', '/assets/index-D3f-479m.js')).toBe(false);
    expect(shedsUnderPressure('GET', '/supervise/500112')).toBe(false);
    // A query string naming /api does not make a page an API call.
    expect(shedsUnderPressure('GET', '/?next=/api/v1/overview')).toBe(false);
  });
});
