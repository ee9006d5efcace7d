// bench/call-setup-main-thread: where the newcomer's main thread goes, from opening the link
// until its connection is up (its page sees \`connected\`), for each contender of
// bench/call-setup --from navigation, in one run, on loopback. A Chromium trace of the
// newcomer's renderer per call; each trace event's self time (its duration minus its
// children's) is counted in one category by its name. Prints per category the median over
// the calls, ms, and the median time from navigation to connected.
//
//   npx tsx bench/call-setup-main-thread.ts [--calls 6]
//
// A diagnostic: the categories are Chromium's trace event names as of 156 (names it does not
// know land in "other"), and a trace slows the page a little. Compare contenders within one
// run only.
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { launchChromium } from '../test/e2e/helpers.js';
import { callFromNavigation, CONTENDERS, LOOPBACK, serveContenders } from './call-setup-navigation.js';
import { TIMELINE_HOOKS } from './call-timeline.js';
import { stats } from './stats.js';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '6' } } });
const CALLS = Math.max(3, Number(values.calls));

// The timeline's steps, also as trace marks (console.timeStamp) to find "answer sent" in the trace.
const HOOKS = TIMELINE_HOOKS.replace(
  'if (!(step in window.steps)) window.steps[step] = Date.now();',
  'if (!(step in window.steps)) { window.steps[step] = Date.now(); console.timeStamp(step); }',
);
if (HOOKS === TIMELINE_HOOKS) throw new Error('call-timeline.ts changed: the trace marks are not installed');

const CATEGORIES: Array<[RegExp, string]> = [
  [/^(EvaluateScript|v8\.compile|v8\.run|V8\.DeserializeContext|v8\.produceCache|CompileScript)$/, 'script evaluation'],
  [/^(FunctionCall|v8\.callFunction|RunMicrotasks|TimerFire|FireAnimationFrame|EventDispatch|BlinkScheduler_PerformMicrotaskCheckpoint)$/, 'JavaScript (calls, microtasks)'],
  [/^(UpdateLayoutTree|Document::recalcStyle|LocalFrameView::performLayout|Layout|Paint|Commit|PrePaint|Blink\.PrePaint\.UpdateTime|PaintArtifactCompositor::Update|LocalFrameView::RunPrePaintLifecyclePhase|InlineNode::ShapeTextIncludingFirstLine|WebFrameWidgetImpl::UpdateLifecycle|LocalFrameView::RunAccessibilitySteps|CSSParserImpl::parseStyleSheet(\.parse)?)$/, 'style, layout, paint'],
  [/^(ParseHTML|HTMLDocumentParser::PumpTokenizerIfPossible|Document::FinishedParsing|ResourceFetcher::requestResource|HTMLDocumentParser::MaybeFetchQueuedPreloads)$/, 'HTML parsing, fetching'],
];
const OTHER = 'other (tasks, IPC, WebRTC calls)';

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  args?: { data?: { message?: string } };
}

const marked = (e: TraceEvent, message: string) => e.name === 'TimeStamp' && e.args?.data?.message === message;

/** Self time per category (ms) on the newcomer's main thread until it saw `connected`; and the time to it. */
function breakdown(events: TraceEvent[]): { toConnected: number; busy: Map<string, number> } {
  const newcomer = events.find((e) => marked(e, 'newcomer'));
  const mark = events.find((e) => marked(e, 'connected') && e.pid === newcomer?.pid && e.tid === newcomer?.tid);
  if (!mark) throw new Error('the newcomer did not connect in the trace');
  const onMain = events
    .filter((e) => e.pid === mark.pid && e.tid === mark.tid && e.ph === 'X' && e.dur !== undefined && e.ts < mark.ts)
    .sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  const children = new Map<TraceEvent, number>();
  const stack: TraceEvent[] = [];
  for (const e of onMain) {
    while (stack.length && stack.at(-1)!.ts + stack.at(-1)!.dur! <= e.ts) stack.pop();
    const parent = stack.at(-1);
    if (parent) children.set(parent, (children.get(parent) ?? 0) + e.dur!);
    stack.push(e);
  }
  const busy = new Map<string, number>();
  for (const e of onMain) {
    const category = CATEGORIES.find(([re]) => re.test(e.name))?.[1] ?? OTHER;
    busy.set(category, (busy.get(category) ?? 0) + (e.dur! - (children.get(e) ?? 0)) / 1000);
  }
  return { toConnected: (mark.ts - onMain[0]!.ts) / 1000, busy };
}

const urls = await serveContenders();
const browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
const file = path.join(tmpdir(), `peer-call-trace-${process.pid}.json`);
const results = new Map<string, Array<ReturnType<typeof breakdown>>>(CONTENDERS.map((c) => [c, []]));
try {
  for (let i = 0; i <= CALLS; i++) {
    for (const contender of CONTENDERS) {
      await callFromNavigation(browser, urls[contender], `trace-${contender}-${i}`, LOOPBACK, undefined, {
        bothPages: [HOOKS],
        secondPage: ["console.timeStamp('newcomer');"],
        beforeArrival: (guest) =>
          browser.startTracing(guest, { path: file, categories: ['devtools.timeline', 'v8', 'blink', 'toplevel', 'disabled-by-default-devtools.timeline'] }),
        afterFrames: async () => void (await browser.stopTracing()),
      });
      // The first round warms up (codecs, caches) and is not counted.
      if (i > 0) results.get(contender)!.push(breakdown(JSON.parse(readFileSync(file, 'utf8')).traceEvents as TraceEvent[]));
    }
  }
} finally {
  rmSync(file, { force: true });
  await browser.close();
}

const rows = [...CATEGORIES.map(([, c]) => c), OTHER];
console.log(`\nthe newcomer's main thread, from opening the link to its connection up; median ms over ${CALLS} calls (loopback)`);
console.log(''.padEnd(34), ...CONTENDERS.map((c) => c.padStart(10)));
const median = (xs: number[]) => stats(xs.map((x) => Math.round(x * 10) / 10)).median;
for (const row of rows) console.log(row.padEnd(34), ...CONTENDERS.map((c) => String(median(results.get(c)!.map((r) => r.busy.get(row) ?? 0))).padStart(10)));
const total = (r: ReturnType<typeof breakdown>) => [...r.busy.values()].reduce((a, b) => a + b, 0);
console.log('busy in all'.padEnd(34), ...CONTENDERS.map((c) => String(median(results.get(c)!.map(total))).padStart(10)));
console.log('navigation -> connected'.padEnd(34), ...CONTENDERS.map((c) => String(median(results.get(c)!.map((r) => r.toConnected))).padStart(10)));
process.exit(0);
