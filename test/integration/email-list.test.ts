import { beforeAll, describe, expect, it } from 'vitest';
import { addProjectKey, api, otherProjectKey, sandboxDomain } from './support.ts';

let live = '';
let ids: string[] = [];
let createdAt: string[] = [];

beforeAll(async () => {
  const { key, project } = await otherProjectKey();
  live = key;
  const test = await addProjectKey(project, { mode: 'test' });
  const send = async (key: string, kind: string, n: number) => {
    const response = await api('POST', '/api/v1/emails', {
      key,
      body: {
        from: `list@${sandboxDomain}`,
        to: 'success@simulator.amazonses.com',
        subject: `List ${n}`,
        text: 'x',
        tags: { kind },
      },
    });
    expect(response.status).toBe(200);
    return response.body.id as string;
  };
  ids = [
    await send(live, 'a', 1),
    await send(live, 'a', 2),
    await send(test, 'b', 3),
    await send(live, 'a', 4),
    await send(test, 'b', 5),
  ];
  createdAt = await Promise.all(
    ids.map(async (id) => (await api('GET', `/api/v1/emails/${id}`, { key: live })).body.email.createdAt),
  );
});

const list = (query: string) => api('GET', `/api/v1/emails?${query}`, { key: live });

describe('GET /api/v1/emails', () => {
  it('pages oldest first by default, with a cursor, has_more and the total', async () => {
    const first = await list('limit=2');
    expect(first.body).toMatchObject({ total: 5, has_more: true, next_cursor: ids[1] });
    expect(first.body.emails.map((e: { id: string }) => e.id)).toEqual(ids.slice(0, 2));
    const second = await list(`limit=2&startingAfter=${first.body.next_cursor}`);
    expect(second.body.emails.map((e: { id: string }) => e.id)).toEqual(ids.slice(2, 4));
    const third = await list(`limit=2&startingAfter=${second.body.next_cursor}`);
    expect(third.body).toMatchObject({ has_more: false, next_cursor: null, total: 5 });
    expect(third.body.emails.map((e: { id: string }) => e.id)).toEqual(ids.slice(4));
  });

  it('pages newest first with order=desc', async () => {
    const first = await list('limit=3&order=desc');
    expect(first.body.emails.map((e: { id: string }) => e.id)).toEqual([...ids].reverse().slice(0, 3));
    const rest = await list(`limit=3&order=desc&startingAfter=${first.body.next_cursor}`);
    expect(rest.body.emails.map((e: { id: string }) => e.id)).toEqual([...ids].reverse().slice(3));
  });

  it('filters by status, tag, domain and date range', async () => {
    const tests = await list('status=test');
    expect(tests.body.total).toBe(2);
    expect(tests.body.emails.map((e: { id: string }) => e.id)).toEqual([ids[2], ids[4]]);
    expect((await list('tag=kind:a')).body.total).toBe(3);
    expect((await list('tag=kind')).body.total).toBe(5);
    expect((await list(`domain=${sandboxDomain.toUpperCase()}`)).body.total).toBe(5);
    expect((await list('domain=elsewhere.example')).body.total).toBe(0);
    const since = await list(`from=${encodeURIComponent(createdAt[3] ?? '')}`);
    expect(since.body.emails.map((e: { id: string }) => e.id)).toEqual(ids.slice(3));
    const until = await list(`to=${encodeURIComponent(createdAt[1] ?? '')}&order=desc`);
    expect(until.body.emails.map((e: { id: string }) => e.id)).toEqual([ids[1], ids[0]]);
  });
});
