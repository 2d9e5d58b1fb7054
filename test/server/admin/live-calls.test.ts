/** The admin API against a real server: SIP calls through the echo app, dial-out, metrics. */
import t from 'tap';
import { WebSocket } from 'ws';
import { SipTestClient } from '../../helpers/sip-test-client.js';
import { startLiveServer } from './fixtures/live-server.js';
import { TOKEN } from './fixtures/harness.js';
import { MemoryRooms } from './fixtures/memory-rooms.js';

interface CallJson {
  id: string;
  callId: string;
  app: string;
  stats: { rx: { packets: number } } | null;
}

t.test('a live echo call: listed with media stats, in the event stream and metrics, hung up from the API', async (t) => {
  const server = await startLiveServer(t);
  const events: { type: string; callId?: string }[] = [];
  const socket = new WebSocket(`${server.admin.url.replace('http', 'ws')}/api/events?token=${TOKEN}`);
  t.teardown(() => socket.terminate());
  const gotEvent = (type: string): Promise<void> =>
    new Promise((resolve) => {
      const check = (): void => {
        if (events.some((event) => event.type === type)) resolve();
        else socket.once('message', check);
      };
      check();
    });
  socket.on('message', (data: Buffer) => events.push(JSON.parse(data.toString()) as { type: string }));
  await gotEvent('hello');

  const client = await SipTestClient.create({ server: server.sip });
  t.teardown(() => client.close());
  const call = await client.invite('echo', { codecs: ['PCMU'] });
  t.equal(call.status, 200);
  await gotEvent('call.started');
  await call.sendTone({ frequency: 1000, dbfs: -10, durationMs: 400 });
  await call.waitForRtp(10);

  const list = await server.api('GET', '/api/calls');
  t.equal(list.status, 200);
  const calls = list.json as CallJson[];
  t.equal(calls.length, 1);
  t.equal(calls[0]?.app, 'echo');
  t.equal(calls[0]?.callId, call.callId);
  t.ok((calls[0]?.stats?.rx.packets ?? 0) > 0, 'media stats of the real leg');

  const metrics = await (await fetch(`${server.admin.url}/metrics`)).text();
  t.match(metrics, /^voxbridge_active_calls 1$/m);
  t.match(metrics, /^voxbridge_rtp_packets_received_total [1-9]/m);
  t.match(metrics, /^voxbridge_sip_requests_total\{method="INVITE"\} [1-9]/m);

  const hangup = await server.api('DELETE', `/api/calls/${calls[0]?.id ?? ''}`);
  t.equal(hangup.status, 200);
  const end = await call.waitForEnd();
  t.equal(end, 'remote-bye', 'the caller got a BYE');
  await gotEvent('call.ended');
  t.same(await server.api('GET', '/api/calls').then((r) => r.json), []);
  const after = await (await fetch(`${server.admin.url}/metrics`)).text();
  t.match(after, /^voxbridge_rtp_packets_received_total [1-9]/m, 'a closed leg\'s packets stay counted');
});

/** Collects dial-out states from the control plane's event hub; `until` resolves when one matches. */
function dialStates(server: Awaited<ReturnType<typeof startLiveServer>>) {
  const seen: { dialId: string; state: string; status: number | null }[] = [];
  const waiters: { match: (e: (typeof seen)[number]) => boolean; resolve: () => void }[] = [];
  const unsubscribe = server.control.events.subscribe((event) => {
    if (event.type !== 'dialout.state') return;
    seen.push(event);
    for (const waiter of waiters.filter((w) => w.match(event))) waiter.resolve();
  });
  return {
    seen,
    unsubscribe,
    until: (dialId: string, state: string): Promise<void> =>
      seen.some((e) => e.dialId === dialId && e.state === state)
        ? Promise.resolve()
        : new Promise((resolve) => waiters.push({ match: (e) => e.dialId === dialId && e.state === state, resolve })),
  };
}

t.test('dial-out: trying → answered (the callee is our own echo) → ended', async (t) => {
  const server = await startLiveServer(t);
  const states = dialStates(server);
  t.teardown(states.unsubscribe);
  const started = await server.api('POST', '/api/dial-out', { target: `sip:echo@${server.sip.host}:${server.sip.port}` });
  t.equal(started.status, 202);
  const attempt = started.json as { id: string; state: string };
  t.equal(attempt.state, 'trying');
  await states.until(attempt.id, 'answered');
  const info = (await server.api('GET', `/api/dial-out/${attempt.id}`)).json as { state: string; status: number; legId: string };
  t.equal(info.state, 'answered');
  t.equal(info.status, 200);
  const calls = (await server.api('GET', '/api/calls')).json as CallJson[];
  t.equal(calls.length, 2, 'the outbound leg and the echo call it reached');
  t.ok(calls.some((c) => c.id === info.legId && c.app === 'echo'));
  t.same((await server.api('GET', '/api/dial-out')).json, [info], 'listed');
  t.equal((await server.api('DELETE', `/api/calls/${info.legId}`)).status, 200);
  await states.until(attempt.id, 'ended');
  t.equal(((await server.api('GET', `/api/dial-out/${attempt.id}`)).json as { state: string }).state, 'ended');
});

t.test('dial-out failures: busy callee, bad target, unknown id, rooms unavailable', async (t) => {
  const server = await startLiveServer(t);
  const states = dialStates(server);
  t.teardown(states.unsubscribe);
  const callee = await SipTestClient.create({ server: server.sip, user: 'busy' });
  t.teardown(() => callee.close());
  // The test client answers a new INVITE with 486 Busy Here.
  const started = await server.api('POST', '/api/dial-out', { target: `sip:busy@${callee.local.host}:${callee.local.port}` });
  t.equal(started.status, 202);
  const id = (started.json as { id: string }).id;
  await states.until(id, 'failed');
  const info = (await server.api('GET', `/api/dial-out/${id}`)).json as { state: string; status: number | null };
  t.equal(info.state, 'failed');
  t.equal(info.status, 486);
  t.equal((await server.api('POST', '/api/dial-out', { target: 'http://example.com' })).status, 400);
  t.equal((await server.api('POST', '/api/dial-out', {})).status, 400);
  t.equal((await server.api('GET', '/api/dial-out/nope')).status, 404);
  const room = await server.api('POST', '/api/dial-out', { target: 'sip:x@127.0.0.1', room: 'r' });
  t.equal(room.status, 503);
  t.equal(server.calls.size, 0, 'a failed attempt leaves no call behind');
});

t.test('dial-out into a room joins the answered call through the RoomDirectory; a locked room fails it', async (t) => {
  const rooms = new MemoryRooms();
  const server = await startLiveServer(t, { rooms });
  const states = dialStates(server);
  t.teardown(states.unsubscribe);
  const target = `sip:echo@${server.sip.host}:${server.sip.port}`;
  const started = (await server.api('POST', '/api/dial-out', { target, room: 'board' })).json as { id: string; legId: string };
  await states.until(started.id, 'answered');
  const members = (await server.api('GET', '/api/rooms/board/participants')).json as { id: string }[];
  t.same(members.map((m) => m.id), [started.legId], 'the dialled leg is a participant');
  const call = ((await server.api('GET', `/api/calls/${started.legId}`)).json as { app: string; roomId: string });
  t.match(call, { app: 'conference', roomId: 'board' });

  await server.api('POST', '/api/rooms/board/lock');
  const locked = (await server.api('POST', '/api/dial-out', { target, room: 'board' })).json as { id: string };
  await states.until(locked.id, 'failed');
  const info = (await server.api('GET', `/api/dial-out/${locked.id}`)).json as { reason: string };
  t.match(info.reason, /locked/);
  t.equal(server.calls.all().filter((c) => c.app === 'conference').length, 1, 'the refused call was hung up, not left in the registry');
});
