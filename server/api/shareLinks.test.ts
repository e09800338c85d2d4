import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestRelay, type TestRelay } from '../relay/testing';

let relay: TestRelay;
beforeEach(async () => {
  relay = await startTestRelay();
});
afterEach(async () => {
  await relay.stop();
});

const get = async (path: string) => {
  const response = await fetch(`http://127.0.0.1:${relay.concord.port}${path}`);
  return { status: response.status, body: await response.json() };
};

describe('GET /api/docs/<room>/links', () => {
  it('gives an edit-key holder both links again, a view-key holder the view link, nobody else anything', async () => {
    const created = await (
      await fetch(`http://127.0.0.1:${relay.concord.port}/api/docs`, { method: 'POST', body: JSON.stringify({ protected: true }) })
    ).json();
    const editKey = new URL(created.editUrl, 'http://x').searchParams.get('key');
    const viewKey = new URL(created.viewUrl, 'http://x').searchParams.get('key');

    expect(await get(`/api/docs/${created.room}/links?key=${editKey}`)).toEqual({
      status: 200,
      body: { protected: true, editUrl: created.editUrl, viewUrl: created.viewUrl },
    });
    expect(await get(`/api/docs/${created.room}/links?key=${viewKey}`)).toEqual({
      status: 200,
      body: { protected: true, editUrl: null, viewUrl: created.viewUrl },
    });
    expect((await get(`/api/docs/${created.room}/links`)).status).toBe(401);
    expect((await get(`/api/docs/${created.room}/links?key=${'a'.repeat(43)}`)).status).toBe(403);
    expect(await get('/api/docs/open-doc/links')).toEqual({ status: 200, body: { protected: false, editUrl: '/d/open-doc', viewUrl: null } });
  });
});
