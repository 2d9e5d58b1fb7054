import t from 'tap';
import { ManualClock } from '../../media/manual-clock.js';
import { TickingClock, createMediaClock, type ClockTick, type TimerSource } from '../../media/media-clock.js';

t.test('ManualClock ticks at start + n*20ms exactly', async (t) => {
  const clock = new ManualClock();
  clock.advance(7); // the clock starts when the first listener subscribes
  const ticks: ClockTick[] = [];
  const stop = clock.onTick((tick) => ticks.push(tick));
  clock.advance(100);
  t.same(
    ticks.map((tick) => tick.timeMs),
    [27, 47, 67, 87, 107],
    'deadlines are start + n*20',
  );
  t.same(ticks.map((tick) => tick.index), [1, 2, 3, 4, 5]);
  t.ok(ticks.every((tick) => tick.missed === 0));
  stop();
  clock.advance(100);
  t.equal(ticks.length, 5, 'no ticks without listeners');
  t.equal(clock.pendingTimers(), 0, 'nothing stays armed when idle');
});

t.test('a late tick skips the missed slots instead of bursting', async (t) => {
  const clock = new ManualClock();
  const ticks: ClockTick[] = [];
  clock.onTick((tick) => ticks.push(tick));
  clock.advance(40); // ticks 1, 2 on time
  clock.stall(75); // the event loop was blocked until t=115
  t.equal(ticks.length, 3, 'one tick after the stall, not four');
  t.same(ticks[2], { index: 5, timeMs: 115, missed: 2 }, 'slots 3 and 4 were skipped');
  clock.advance(5);
  t.same(ticks[3], { index: 6, timeMs: 120, missed: 0 }, 'back on the original grid');
  t.same(clock.counters(), { ticks: 4, missed: 2 });
});

t.test('the real tick logic arms each timer for the absolute deadline', async (t) => {
  // A fake time source that records the delays asked for and fires by hand.
  let now = 1000;
  const armed: { delay: number; fire: () => void }[] = [];
  const source: TimerSource = {
    now: () => now,
    set(callback, delayMs) {
      armed.push({ delay: delayMs, fire: callback });
      return () => undefined;
    },
  };
  const clock = new TickingClock(source);
  const ticks: ClockTick[] = [];
  clock.onTick((tick) => ticks.push(tick));
  t.equal(armed[0]?.delay, 20);
  now = 1023; // fired 3 ms late
  armed[0]?.fire();
  t.equal(armed[1]?.delay, 17, 'the next deadline is 1040, not 1023 + 20: no drift');
  now = 1040.4;
  armed[1]?.fire();
  t.equal(armed[2]?.delay.toFixed(1), '19.6');
  now = 1059.8; // a hair early: still slot 3
  armed[2]?.fire();
  t.same(ticks.map((tick) => [tick.index, tick.missed]), [[1, 0], [2, 0], [3, 0]]);
});

t.test('subscribing from inside a tick does not arm a second timer', async (t) => {
  const clock = new ManualClock();
  let inner = 0;
  let outer = 0;
  const stopOuter = clock.onTick(() => {
    outer++;
    if (outer === 1) {
      stopOuter();
      clock.onTick(() => inner++);
    }
  });
  clock.advance(100);
  t.equal(outer, 1);
  t.equal(inner, 4, 'the new listener runs from the next tick, once per tick');
  t.equal(clock.pendingTimers(), 1);
  clock.close();
  t.equal(clock.pendingTimers(), 0, 'close cancels the tick timer');
});

t.test('timers fire on the clock time base, in order', async (t) => {
  const clock = new ManualClock();
  const fired: string[] = [];
  clock.setTimer(50, () => fired.push('b'));
  clock.setTimer(10, () => fired.push('a'));
  const cancel = clock.setTimer(30, () => fired.push('never'));
  cancel();
  clock.advance(49);
  t.same(fired, ['a']);
  clock.advance(1);
  t.same(fired, ['a', 'b']);
  t.equal(clock.now(), 50);
});

t.test('the production clock ticks with real timers', async (t) => {
  const clock = createMediaClock();
  t.teardown(() => clock.close());
  const ticks = await new Promise<ClockTick[]>((resolve) => {
    const seen: ClockTick[] = [];
    const stop = clock.onTick((tick) => {
      seen.push(tick);
      if (seen.length === 3) {
        stop();
        resolve(seen);
      }
    });
  });
  // Slot numbers only grow; how late each tick was depends on the machine.
  t.ok((ticks[0]?.index ?? 0) >= 1);
  t.ok(ticks.every((tick, i) => i === 0 || tick.index > (ticks[i - 1]?.index ?? 0)), 'slots increase');
  t.ok(ticks.every((tick, i) => i === 0 || tick.timeMs > (ticks[i - 1]?.timeMs ?? 0)), 'time increases');
});
