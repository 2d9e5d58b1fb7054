import t from 'tap';
import { selectTalkers, SWAP_MARGIN_DB, type TalkerCandidate } from '../../../media/room/talker-selector.js';

const candidate = (score: number, eligible = true, mixed = false): TalkerCandidate => ({ score, eligible, mixed });

t.test('free slots go to the loudest eligible talkers', async (t) => {
  const list = [candidate(-30), candidate(-10), candidate(-20, false), candidate(-15), candidate(-25)];
  t.equal(selectTalkers(list, 3), 3);
  t.same(list.map((c) => c.mixed), [false, true, false, true, true]);
});

t.test('a mixed talker keeps its slot until someone is louder by the margin', async (t) => {
  const list = [candidate(-20, true, true), candidate(-20 + SWAP_MARGIN_DB - 1)];
  selectTalkers(list, 1);
  t.same(list.map((c) => c.mixed), [true, false], 'within the margin: no swap');
  const louder = [candidate(-20, true, true), candidate(-20 + SWAP_MARGIN_DB + 1)];
  selectTalkers(louder, 1);
  t.same(louder.map((c) => c.mixed), [false, true], 'beyond it: swap');
});

t.test('a talker that stops is dropped and its slot refilled', async (t) => {
  const list = [candidate(-10, false, true), candidate(-40), candidate(-50)];
  t.equal(selectTalkers(list, 1), 1);
  t.same(list.map((c) => c.mixed), [false, true, false]);
  const none = [candidate(-10, false, true)];
  t.equal(selectTalkers(none, 3), 0, 'nobody talking: nobody mixed');
});
