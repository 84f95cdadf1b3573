// The backprop explorer. Every piece of text that comes from the user or
// from the server is put in the page with textContent or as SVG text
// nodes, never as markup; the one exception, the derivative's MathML, is
// parsed as XML and rebuilt from an allow-list of MathML elements.
'use strict';

const SEED = `# The composite function of the seed's section 2.3
f_1(x, y) = sin(pi*x) + cos(pi*y)
f_2(x, y) = x^y
f_3(x)    = ln(x)
f(x_1, x_2) = f_1(f_2(x_1, f_2(x_2, x_1)), f_3(x_1))
`;
const SEED_AT = { x_1: 2, x_2: 3 };
const SVGNS = 'http://www.w3.org/2000/svg';
const MATHNS = 'http://www.w3.org/1998/Math/MathML';

const $ = (id) => document.getElementById(id);

// The state of the view, all of it in the URL's hash.
const state = {
  program: SEED,
  at: { ...SEED_AT },
  func: '', // '': the last function defined
  level: 'functions',
  mode: 'reverse',
  direction: {}, // forward mode's tangents by input; {} : the unit vector of the first
  step: -1, // -1: the last step
  pathsWrt: '',
  diffWrt: '',
  method: 'normalized',
  rate: 0.1,
  steps: 20,
  span: 2,
};
const METHODS = ['normalized', 'armijo', 'fixed'];

// The last value given to each name of an input.
const remembered = {};

// Results of the last successful computation.
const last = { inputs: [], graph: null, explain: null, nodes: new Map() };

// fmt prints a number as backprop's command line does: 15 significant
// digits; NaN and the infinities arrive as strings.
function fmt(v) {
  if (typeof v !== 'number') return String(v);
  return String(parseFloat(v.toPrecision(15)));
}
function short(v) {
  if (typeof v !== 'number') return String(v);
  return String(parseFloat(v.toPrecision(6)));
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}
function svg(tag, attrs, text) {
  const e = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

// ---- the URL ----

function saveHash() {
  const p = new URLSearchParams();
  p.set('p', state.program);
  p.set('at', Object.entries(state.at).map(([k, v]) => `${k}=${v}`).join(','));
  if (state.func) p.set('fn', state.func);
  p.set('level', state.level);
  p.set('mode', state.mode);
  const dv = Object.entries(state.direction).map(([k, v]) => `${k}=${v}`).join(',');
  if (dv) p.set('dv', dv);
  p.set('step', String(state.step));
  if (state.pathsWrt) p.set('pw', state.pathsWrt);
  if (state.diffWrt) p.set('dw', state.diffWrt);
  p.set('gd', state.method);
  p.set('rate', String(state.rate));
  p.set('steps', String(state.steps));
  p.set('span', String(state.span));
  const h = '#' + p.toString();
  if (location.hash !== h) history.replaceState(null, '', h);
}

function loadHash() {
  if (location.hash.length < 2) return false;
  const p = new URLSearchParams(location.hash.slice(1));
  if (p.has('p')) state.program = p.get('p');
  if (p.has('at')) {
    state.at = {};
    for (const item of p.get('at').split(',')) {
      const [k, v] = item.split('=');
      if (k && v !== undefined && v !== '' && isFinite(Number(v))) state.at[k] = Number(v);
    }
  }
  state.func = p.get('fn') || '';
  state.level = p.get('level') === 'primitives' ? 'primitives' : 'functions';
  state.mode = p.get('mode') === 'forward' ? 'forward' : 'reverse';
  state.direction = {};
  if (p.has('dv')) {
    for (const item of p.get('dv').split(',')) {
      const [k, v] = item.split('=');
      if (k && v !== undefined && v !== '' && isFinite(Number(v))) state.direction[k] = Number(v);
    }
  } else if (p.get('dir')) {
    state.direction[p.get('dir')] = 1; // links from before directions: the unit vector of an input
  }
  state.method = METHODS.includes(p.get('gd')) ? p.get('gd') : 'normalized';
  state.step = parseInt(p.get('step') ?? '-1', 10);
  if (!Number.isFinite(state.step)) state.step = -1;
  state.pathsWrt = p.get('pw') || '';
  state.diffWrt = p.get('dw') || '';
  for (const k of ['rate', 'steps', 'span']) {
    const v = Number(p.get(k));
    if (p.has(k) && Number.isFinite(v)) state[k] = v;
  }
  return true;
}

// ---- the API ----

let generation = 0;
let controller = null;

class APIError extends Error {
  constructor(status, err) {
    super(err && err.message ? err.message : `HTTP ${status}`);
    this.status = status;
    this.detail = err || {};
  }
}

async function api(command, body, signal, asText) {
  const res = await fetch('/api/' + command, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
    signal,
  });
  if (asText && res.ok) return res.text();
  let j;
  try {
    j = await res.json();
  } catch (e) {
    throw new APIError(res.status, { message: `HTTP ${res.status}` });
  }
  if (!res.ok) throw new APIError(res.status, j.error);
  return j;
}

function query(extra) {
  const q = { program: state.program, at: { ...state.at }, level: state.level, ...extra };
  if (state.func) q.func = state.func;
  return q;
}

// ---- forward mode's direction ----

// buildDirection shows a number field per input for the direction d of
// forward mode, the unit vector of the first input unless chosen.
function buildDirection(names) {
  const d = {};
  for (const n of names) if (n in state.direction) d[n] = state.direction[n];
  if (!Object.values(d).some((v) => v !== 0) && names.length) {
    for (const n of names) d[n] = 0;
    d[names[0]] = 1;
  }
  for (const n of names) if (!(n in d)) d[n] = 0;
  state.direction = d;
  const box = $('direction');
  const same = box.dataset.names === names.join(',');
  if (same) {
    names.forEach((n, i) => { const f = $('dir-' + i); if (f && Number(f.value) !== d[n]) f.value = String(d[n]); });
    return;
  }
  box.dataset.names = names.join(',');
  box.textContent = '';
  names.forEach((n, i) => {
    const f = el('input', { type: 'number', step: 'any', id: 'dir-' + i, 'data-name': n });
    f.value = String(d[n]);
    f.addEventListener('input', () => {
      const v = Number(f.value);
      if (f.value === '' || !Number.isFinite(v)) return;
      state.direction[n] = v;
      state.step = -1;
      schedule(200);
    });
    box.append(el('label', { for: 'dir-' + i }, n), f);
  });
}

// ---- errors in the editor ----

function showError(err) {
  const box = $('error');
  box.hidden = false;
  const d = err.detail || {};
  const where = d.line ? `${d.line}:${d.column}: ` : '';
  $('error-msg').textContent = where + err.message;
  $('error-line').textContent = '';
  markError(d.line, d.column);
  if (d.line) {
    const line = state.program.split('\n')[d.line - 1];
    if (line !== undefined) {
      const caret = ' '.repeat(Math.max(0, d.column - 1)) + '^';
      $('error-line').textContent = `${line}\n${caret}`;
    }
  }
  document.body.classList.add('has-error');
}

function clearError() {
  $('error').hidden = true;
  markError(0, 0);
  document.body.classList.remove('has-error');
}

// markError draws, behind the editor, a mark on the character at line:column
// (both counted from 1, the column in Unicode code points).
function markError(line, column) {
  const m = $('mirror');
  m.textContent = '';
  const text = $('editor').value;
  if (!line) return;
  const lines = text.split('\n');
  let offset = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) offset += lines[i].length + 1;
  const cur = Array.from(lines[line - 1] ?? '');
  const before = cur.slice(0, column - 1).join('');
  const at = cur[column - 1];
  const start = offset + before.length;
  m.append(document.createTextNode(text.slice(0, start)));
  const mark = el('mark', { id: 'error-mark', 'data-line': line, 'data-column': column });
  if (at === undefined) {
    mark.className = 'eol';
    mark.textContent = ' ';
    m.append(mark, document.createTextNode(text.slice(start)));
  } else {
    mark.textContent = at;
    m.append(mark, document.createTextNode(text.slice(start + at.length)));
  }
  m.append(document.createTextNode('\n'));
  m.scrollTop = $('editor').scrollTop;
}

// ---- the point ----

function buildPoint(names) {
  const box = $('point');
  const same = names.length === last.inputs.length && names.every((n, i) => n === last.inputs[i]);
  // A name keeps its value while the program changes around it, even
  // through programs without it (a typo, a rename undone).
  Object.assign(remembered, state.at);
  const at = {};
  for (const n of names) at[n] = n in remembered ? remembered[n] : 1;
  state.at = at;
  if (same) return;
  box.textContent = '';
  names.forEach((n, i) => {
    const v = at[n];
    const lo = Math.min(-5, Math.floor(v) - 5), hi = Math.max(5, Math.ceil(v) + 5);
    const id = 'at-' + i;
    const range = el('input', { type: 'range', min: lo, max: hi, step: '0.01', 'aria-label': n });
    range.value = String(v);
    const number = el('input', { type: 'number', step: 'any', id, 'data-name': n });
    number.value = String(v);
    const set = (val, from) => {
      if (!Number.isFinite(val)) return;
      state.at[n] = val;
      remembered[n] = val;
      if (from !== range) range.value = String(val);
      if (from !== number) number.value = String(val);
      schedule(120);
    };
    range.addEventListener('input', () => set(Number(range.value), range));
    number.addEventListener('input', () => { if (number.value !== '') set(Number(number.value), number); });
    box.append(el('div', { class: 'coord' }, el('label', { for: id }, n), range, number));
  });
}

// buildFuncs fills the function picker: every function of the program,
// the one computed selected ('' in the state: the last one).
function buildFuncs(funcs, computed) {
  const sel = $('func');
  const key = funcs.join('\n');
  if (sel.dataset.funcs !== key) {
    sel.dataset.funcs = key;
    sel.textContent = '';
    funcs.forEach((f, i) => sel.append(el('option', { value: i === funcs.length - 1 ? '' : f }, f + (i === funcs.length - 1 ? ' (last)' : ''))));
  }
  sel.value = computed === funcs[funcs.length - 1] ? '' : computed;
}

function fillSelect(sel, names, chosen) {
  const keep = names.includes(chosen) ? chosen : names[0] || '';
  sel.textContent = '';
  for (const n of names) sel.append(el('option', { value: n }, n));
  sel.value = keep;
  return keep;
}

// ---- refresh: everything from the program and the point ----

let timer = 0;
function schedule(ms) {
  clearTimeout(timer);
  timer = setTimeout(refresh, ms);
}

async function refresh() {
  const gen = ++generation;
  if (controller) controller.abort();
  controller = new AbortController();
  const signal = controller.signal;
  saveHash();
  let inputs;
  try {
    const q = { program: state.program };
    if (state.func) q.func = state.func;
    try {
      inputs = await api('inputs', q, signal);
    } catch (err) {
      // The chosen function is gone (renamed, deleted): back to the last.
      if (!state.func || err.name === 'AbortError' || (err.detail && err.detail.line)) throw err;
      inputs = await api('inputs', { program: state.program }, signal);
      state.func = '';
    }
  } catch (err) {
    if (err.name === 'AbortError' || gen !== generation) return;
    showError(err);
    return;
  }
  if (gen !== generation) return;
  clearError();
  buildFuncs(inputs.functions, inputs.function);
  buildPoint(inputs.inputs);
  last.inputs = inputs.inputs;
  last.fname = inputs.function;
  const names = inputs.inputs;
  state.pathsWrt = fillSelect($('paths-wrt'), names, state.pathsWrt);
  state.diffWrt = fillSelect($('diff-wrt'), names, state.diffWrt);
  buildDirection(names);
  saveHash();
  const tasks = [
    gradient(signal, gen),
    graph(signal, gen).then(() => explain(signal, gen)),
    paths(signal, gen),
    derivative(signal, gen),
    modes(signal, gen),
    plot(signal, gen),
  ];
  await Promise.allSettled(tasks);
  if (gen === generation) document.body.dataset.ready = String(gen);
}

// run calls f and shows an error of the API in the element note, unless a
// newer refresh has started.
async function run(gen, note, f) {
  if (note) note.textContent = '';
  try {
    await f();
  } catch (err) {
    if (err.name === 'AbortError' || gen !== generation) return;
    if (err.detail && err.detail.line) showError(err);
    if (note) note.textContent = err.message;
  }
}

function gradient(signal, gen) {
  return run(gen, null, async () => {
    const tbody = $('gradient').tBodies[0];
    let r;
    try {
      r = await api('grad', query({ mode: 'reverse' }), signal);
    } catch (err) {
      if (gen === generation && err.name !== 'AbortError') {
        tbody.textContent = '';
        tbody.append(el('tr', {}, el('td', { class: 'err', colspan: 2 }, err.message)));
      }
      throw err;
    }
    if (gen !== generation) return;
    tbody.textContent = '';
    const fname = last.fname || 'f';
    tbody.append(el('tr', {}, el('td', {}, 'value'), el('td', { class: 'val', id: 'value' }, fmt(r.value))));
    for (const [n, g] of Object.entries(r.gradient)) {
      tbody.append(el('tr', {}, el('td', {}, `∂${fname}/∂${n}`), el('td', { class: 'val grad', 'data-param': n }, fmt(g))));
    }
  });
}

function modes(signal, gen) {
  return run(gen, $('worst'), async () => {
    const r = await api('grad', query({ mode: 'all' }), signal);
    if (gen !== generation) return;
    // One row per mode, so that the table is as wide as the inputs are
    // many, not the modes.
    const t = $('modes');
    const names = Object.keys(r.modes);
    const params = Object.keys(r.gradient);
    t.tHead.textContent = '';
    t.tHead.append(el('tr', {}, el('th', {}, 'mode'), el('th', {}, 'value'), ...params.map((p) => el('th', {}, '∂/∂' + p))));
    const body = t.tBodies[0];
    body.textContent = '';
    for (const m of names) {
      body.append(el('tr', { 'data-mode': m }, el('td', {}, m), el('td', {}, fmt(r.modes[m].value)), ...params.map((p) => el('td', {}, fmt(r.modes[m].gradient[p])))));
    }
    const w = r.worst;
    $('worst').textContent = `Worst disagreement: ${short(w.exact.relative)} relative among exact modes (${w.exact.mode} on ${w.exact.param}); ${short(w.numeric.relative)} for numeric differences (on ${w.numeric.param}).`;
  });
}

// ---- the derivative in closed form ----

const MATHML_ELEMENTS = new Set(['math', 'mrow', 'mi', 'mn', 'mo', 'mfrac', 'msup', 'msub', 'msqrt', 'mtable', 'mtr', 'mtd', 'mspace']);
const MATHML_ATTRS = new Set(['display', 'fence', 'columnalign', 'mathvariant']);

// safeMathML rebuilds the MathML of the server from its XML, keeping only
// MathML presentation elements, their text and a few attributes.
function safeMathML(xml) {
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  if (doc.getElementsByTagName('parsererror').length) return document.createTextNode('(the derivative could not be typeset)');
  const copy = (src) => {
    if (src.nodeType === Node.TEXT_NODE) return document.createTextNode(src.nodeValue);
    if (src.nodeType !== Node.ELEMENT_NODE || src.namespaceURI !== MATHNS || !MATHML_ELEMENTS.has(src.localName)) return null;
    const e = document.createElementNS(MATHNS, src.localName);
    for (const a of src.attributes) if (MATHML_ATTRS.has(a.name)) e.setAttribute(a.name, a.value);
    for (const c of src.childNodes) {
      const k = copy(c);
      if (k) e.append(k);
    }
    return e;
  };
  return copy(doc.documentElement) || document.createTextNode('');
}

function derivative(signal, gen) {
  return run(gen, $('diff-value'), async () => {
    if (!state.diffWrt) return;
    const r = await api('diff', query({ wrt: state.diffWrt }), signal);
    if (gen !== generation) return;
    const box = $('mathml');
    box.textContent = '';
    box.append(safeMathML(r.mathml));
    $('derivative').textContent = r.derivative;
    $('diff-value').textContent = `= ${fmt(r.value)} at this point` + (r.note ? ` (${r.note})` : '');
  });
}

// ---- the graph ----

function layout(g) {
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const levels = [];
  for (const n of g.nodes) (levels[n.level] ||= []).push(n);
  const args = new Map(), users = new Map();
  for (const e of g.edges) {
    (args.get(e.from) || args.set(e.from, []).get(e.from)).push(e.to);
    (users.get(e.to) || users.set(e.to, []).get(e.to)).push(e.from);
  }
  const pos = new Map();
  const place = (row) => row.forEach((n, i) => pos.set(n.id, i - (row.length - 1) / 2));
  const bary = (row, nb) => {
    const key = new Map(row.map((n, i) => {
      const xs = (nb.get(n.id) || []).filter((id) => pos.has(id)).map((id) => pos.get(id));
      return [n.id, xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : i - (row.length - 1) / 2];
    }));
    row.sort((a, b) => key.get(a.id) - key.get(b.id));
    place(row);
  };
  levels.forEach((row) => row && place(row));
  for (let pass = 0; pass < 2; pass++) {
    for (let l = 1; l < levels.length; l++) if (levels[l]) bary(levels[l], args);
    for (let l = levels.length - 2; l >= 0; l--) if (levels[l]) bary(levels[l], users);
  }
  let chars = 6;
  for (const n of g.nodes) chars = Math.max(chars, Math.min(n.label.length, 24), ('adj ' + short(n.adjoint)).length);
  const w = chars * 7.4 + 20, h = 56, colW = w + 36, rowH = 120;
  const widest = Math.max(...levels.filter(Boolean).map((r) => r.length));
  const width = Math.max(widest * colW + 40, 300), height = levels.length * rowH + 20;
  const xy = new Map();
  levels.forEach((row, l) => row && row.forEach((n) => {
    xy.set(n.id, { x: width / 2 + pos.get(n.id) * colW, y: height - 10 - rowH / 2 - l * rowH });
  }));
  return { byId, xy, w, h, width, height };
}

function graph(signal, gen) {
  return run(gen, null, async () => {
    const box = $('graph');
    let g;
    try {
      g = await api('graph', query({}), signal);
    } catch (err) {
      if (gen === generation && err.name !== 'AbortError') {
        box.textContent = '';
        box.append(el('p', { class: 'note' }, err.message));
        last.graph = null;
      }
      throw err;
    }
    if (gen !== generation) return;
    last.graph = g;
    const L = layout(g);
    const root = svg('svg', { xmlns: SVGNS, width: L.width, height: L.height, viewBox: `0 0 ${L.width} ${L.height}`, id: 'graph-svg' });
    root.append(svg('rect', { x: 0, y: 0, width: L.width, height: L.height, fill: '#ffffff' }));
    const defs = svg('defs');
    const marker = svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
    marker.append(svg('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#9aa4b1' }));
    defs.append(marker);
    root.append(defs);
    last.nodes = new Map();
    last.edges = [];
    const edges = svg('g');
    for (const e of g.edges) {
      const a = L.xy.get(e.from), b = L.xy.get(e.to);
      if (!a || !b) continue;
      const ge = svg('g', { class: 'edge', 'data-from': e.from, 'data-to': e.to });
      ge.append(svg('title', {}, `${e.name} = ∂${e.of}/∂${e.param} = ${e.partial} = ${fmt(e.value)}`));
      // From the argument up to the node that uses it, as values flow.
      ge.append(svg('line', { x1: b.x, y1: b.y - L.h / 2, x2: a.x, y2: a.y + L.h / 2, stroke: '#9aa4b1', 'stroke-width': 1.2, 'marker-end': 'url(#arrow)' }));
      const t = `${e.name} = ${short(e.value)}`;
      // The label near the node that uses the argument, where its edges
      // fan out, not at the middle, where edges to one argument meet.
      const t0 = 0.3, ax = a.x, ay = a.y + L.h / 2, bx = b.x, by = b.y - L.h / 2;
      const mx = ax + (bx - ax) * t0, my = ay + (by - ay) * t0;
      // Labels of edges that go left end at the edge, of edges that go
      // right start there: two edges from one node do not overlap.
      const tw = t.length * 6.6, anchor = bx < ax - 1 ? 'end' : bx > ax + 1 ? 'start' : 'middle';
      const lx = anchor === 'end' ? mx - 4 : anchor === 'start' ? mx + 4 : mx;
      const rx = anchor === 'end' ? lx - tw : anchor === 'start' ? lx : lx - tw / 2;
      ge.append(svg('rect', { x: rx - 3, y: my - 9, width: tw + 6, height: 14, fill: '#ffffff', opacity: 0.85 }));
      ge.append(svg('text', { x: lx, y: my + 2, 'text-anchor': anchor, 'font-family': 'monospace', 'font-size': 11, fill: '#35567f' }, t));
      edges.append(ge);
      last.edges.push({ e, dom: ge });
    }
    root.append(edges);
    for (const n of g.nodes) {
      const p = L.xy.get(n.id);
      const cls = ['node', n.kind];
      if (n.id === g.output) cls.push('output');
      const gn = svg('g', { class: cls.join(' '), 'data-id': n.id, transform: `translate(${p.x - L.w / 2},${p.y - L.h / 2})` });
      gn.append(svg('title', {}, n.expr));
      const fill = n.kind === 'input' ? '#eaf2ff' : n.kind === 'const' ? '#f3f3f3' : '#ffffff';
      gn.append(svg('rect', { width: L.w, height: L.h, rx: 6, fill, stroke: '#7d8796', 'stroke-width': n.id === g.output ? 2 : 1.2 }));
      const label = n.label.length > 24 ? n.label.slice(0, 23) + '…' : n.label;
      gn.append(svg('text', { class: 'lbl', x: L.w / 2, y: 16, 'text-anchor': 'middle', 'font-family': 'monospace', 'font-size': 12, 'font-weight': 700 }, label));
      const v = svg('text', { class: 'val', x: 8, y: 32, 'font-family': 'monospace', 'font-size': 12 }, 'v   ' + short(n.value));
      const a = svg('text', { class: 'adj', x: 8, y: 47, 'font-family': 'monospace', 'font-size': 12, fill: '#8a4b00' }, 'adj ' + short(n.adjoint));
      gn.append(v, a);
      root.append(gn);
      last.nodes.set(n.id, { n, dom: gn, v, a });
    }
    box.textContent = '';
    box.append(root);
  });
}

// ---- stepping ----

function steps() {
  const x = last.explain;
  if (!x) return [];
  if (x.mode === 'forward') return x.steps.map((s, i) => ({ kind: 'tangent', s, i }));
  return [...x.steps.map((s, i) => ({ kind: 'forward', s, i })), ...x.backward.map((s, i) => ({ kind: 'backward', s, i }))];
}

// explain fetches the steps. The step panel keeps showing the previous
// steps while the request runs, rather than going blank at every edit.
function explain(signal, gen) {
  return run(gen, null, async () => {
    let x;
    try {
      x = await api('explain', explainQuery({}), signal);
    } catch (err) {
      if (gen === generation && err.name !== 'AbortError') $('step').textContent = err.message;
      throw err;
    }
    if (gen !== generation) return;
    last.explain = x;
    renderStep();
  });
}

function explainQuery(extra) {
  const body = query({ mode: state.mode, ...extra });
  if (state.mode === 'forward') body.direction = { ...state.direction };
  return body;
}

// along says what forward mode differentiates by.
function along(x) {
  return x.wrt ? `of ${x.wrt}` : `d = (${Object.entries(x.direction).map(([k, v]) => `${k}: ${fmt(v)}`).join(', ')})`;
}

function terms(s, lhs, value) {
  const ts = s.terms || [];
  if (!ts.length) return null;
  const sym = ts.map((t) => `${t.weight}·${t.partial}`).join(' + ');
  const nums = ts.map((t) => `${fmt(t.weight_value)}·${fmt(t.factor)}`).join(' + ');
  const prods = ts.map((t) => fmt(t.product)).join(' + ');
  const lines = [`${lhs} = ${sym}`, ` = ${nums}`];
  if (ts.length > 1) lines.push(` = ${prods}`);
  lines.push(` = ${fmt(value)}`);
  return lines.join('\n');
}

function renderStep() {
  const all = steps();
  const box = $('step');
  box.textContent = '';
  if (!all.length) return;
  if (state.step < 0 || state.step >= all.length) state.step = all.length - 1;
  const k = state.step;
  const cur = all[k];
  $('step-count').textContent = `step ${k + 1} of ${all.length}`;
  $('step-count').dataset.step = String(k + 1);
  $('step-count').dataset.total = String(all.length);
  $('prev').disabled = $('first').disabled = k === 0;
  $('next').disabled = $('last').disabled = k === all.length - 1;
  const s = cur.s;
  const x = last.explain;
  let phase, text;
  if (cur.kind === 'forward') {
    phase = `Forward pass: node ${cur.i + 1} of ${x.steps.length}, its value from its arguments'.`;
    text = s.def && s.def !== s.name ? `${s.name} = ${s.def} = ${s.at} = ${fmt(s.value)}` : `${s.name} = ${fmt(s.value)}`;
  } else if (cur.kind === 'backward') {
    phase = `Backward pass: node ${cur.i + 1} of ${x.backward.length}, its adjoint as the sum over the nodes that use it of their adjoint × the local partial derivative.`;
    text = terms(s, `adj(${s.name})`, s.adjoint) || `adj(${s.name}) = ${fmt(s.adjoint)}   (the output: ∂${x.output}/∂${x.output} = 1)`;
  } else {
    phase = `Forward mode in the direction ${along(x)}: node ${cur.i + 1} of ${x.steps.length}, its value and its derivative from its arguments'.`;
    const val = s.def && s.def !== s.name ? `${s.name} = ${s.def} = ${s.at} = ${fmt(s.value)}` : `${s.name} = ${fmt(s.value)}`;
    text = val + '\n' + (terms(s, s.derivative_name, s.derivative) || `${s.derivative_name} = ${fmt(s.derivative)}`);
  }
  box.append(el('div', { class: 'phase' }, phase), el('div', { class: 'eq', id: 'step-text' }, text));
  if (k === all.length - 1) {
    const res = x.mode === 'forward'
      ? (x.wrt ? `Done: ∂${x.output}/∂${x.wrt} = ${fmt(x.derivative)}.`
        : `Done: the directional derivative ∇${x.output}·d = ${fmt(x.derivative)} (= ${x.inputs.map((i) => `${fmt(i.gradient)}·${fmt(x.direction[i.name])}`).join(' + ')}, the gradient of reverse mode times d).`)
      : `Done: the gradient is the adjoints of the inputs, ${x.inputs.map((i) => `∂${x.output}/∂${i.name} = ${fmt(i.gradient)}`).join(', ')}.`;
    box.append(el('div', { class: 'phase', id: 'step-done' }, res));
  }
  highlight(all, k);
  saveHash();
}

// highlight marks the active node and its edges in the graph, and shows on
// each node only what the passes have computed up to step k.
function highlight(all, k) {
  const cur = all[k];
  const fwdDone = new Set(), adjDone = new Set();
  for (let i = 0; i <= k; i++) {
    const c = all[i];
    if (c.kind === 'backward') adjDone.add(c.s.id);
    else fwdDone.add(c.s.id);
  }
  const reverse = last.explain && last.explain.mode !== 'forward';
  const inBackward = cur.kind === 'backward';
  for (const [id, { n, dom, v, a }] of last.nodes) {
    dom.classList.toggle('active', id === cur.s.id);
    const seen = fwdDone.has(id) || inBackward || n.kind === 'const';
    dom.classList.toggle('done', seen && id !== cur.s.id);
    v.textContent = 'v   ' + (seen ? short(n.value) : '?');
    // Constants have no backward step: their adjoints are never needed.
    a.textContent = reverse && n.kind !== 'const' ? 'adj ' + (adjDone.has(id) ? short(n.adjoint) : '?') : '';
  }
  for (const { e, dom } of last.edges) {
    const on = cur.kind === 'backward' ? e.to === cur.s.id : e.from === cur.s.id;
    dom.classList.toggle('active', on);
  }
}

function go(k) {
  const n = steps().length;
  if (!n) return;
  state.step = Math.max(0, Math.min(n - 1, k));
  renderStep();
}

// ---- paths ----

function paths(signal, gen) {
  return run(gen, $('paths-note'), async () => {
    if (!state.pathsWrt) return;
    const r = await api('paths', query({ wrt: state.pathsWrt, limit: 50 }), signal);
    if (gen !== generation) return;
    const t = $('paths');
    const body = t.tBodies[0];
    body.textContent = '';
    for (const p of r.paths) {
      const tr = el('tr', { class: 'path' },
        el('td', {}, p.nodes.join(' → ')),
        el('td', { class: 'factors' }, p.factors.map(fmt).join(' × ')),
        el('td', { class: 'product' }, fmt(p.product)));
      tr.addEventListener('mouseenter', () => markPath(p.ids, true));
      tr.addEventListener('mouseleave', () => markPath(p.ids, false));
      body.append(tr);
    }
    const foot = t.tFoot;
    foot.textContent = '';
    foot.append(el('tr', {}, el('td', {}, 'sum of the products'), el('td', {}, ''), el('td', { id: 'paths-sum' }, fmt(r.sum))));
    foot.append(el('tr', {}, el('td', {}, `gradient ∂/∂${r.wrt}`), el('td', {}, ''), el('td', { id: 'paths-gradient' }, fmt(r.gradient))));
    $('paths-note').textContent = `${r.count} path${r.count === 1 ? '' : 's'}` + (r.omitted ? `, ${r.omitted} not listed (the sum covers the listed ones only)` : ', all listed') + '.';
  });
}

function markPath(ids, on) {
  const set = new Set(ids);
  for (const [id, { dom }] of last.nodes) dom.classList.toggle('path', on && set.has(id));
  for (const { e, dom } of last.edges) {
    let hit = false;
    for (let i = 0; i + 1 < ids.length; i++) if (e.from === ids[i] && e.to === ids[i + 1]) hit = true;
    dom.classList.toggle('path', on && hit);
  }
}

// ---- the plot ----

function plot(signal, gen) {
  const panel = $('plot-panel');
  if (last.inputs.length < 1 || last.inputs.length > 2) {
    panel.hidden = true;
    return Promise.resolve();
  }
  panel.hidden = false;
  return run(gen, $('plot-note'), async () => {
    const r = await api('plot', query({ grid: last.inputs.length === 2 ? 61 : 201, span: state.span, rate: state.rate, steps: state.steps, descent: state.method }), signal);
    if (gen !== generation) return;
    drawPlot(r);
  });
}

function finite(v) { return typeof v === 'number' && Number.isFinite(v); }

function drawPlot(r) {
  const c = $('plot');
  const ctx = c.getContext('2d');
  const W = c.width, H = c.height, pad = 36;
  ctx.clearRect(0, 0, W, H);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, W, H);
  const xs = r.x, x0 = xs[0], x1 = xs[xs.length - 1];
  const sx = (x) => pad + (x - x0) / (x1 - x0) * (W - 2 * pad);
  const d = r.descent;
  ctx.font = '12px monospace';
  ctx.save();
  ctx.beginPath();
  ctx.rect(pad, pad, W - 2 * pad, H - 2 * pad);
  ctx.clip();
  try {
    plotInside(r, ctx, W, H, pad, xs, x0, x1, sx, d);
  } finally {
    ctx.restore();
  }
  const end = d[d.length - 1];
  const how = {
    normalized: `steps of length ${short(r.rate)} along −∇${r.function}/|∇${r.function}|`,
    armijo: `a backtracking line search from rate ${short(r.rate)}, each step halved until ${r.function} decreases enough (Armijo)`,
    fixed: `plain steps of ${short(r.rate)} × −∇${r.function}`,
  }[r.method] || `rate ${short(r.rate)}`;
  const inside = (s) => s.at.every((v, i) => finite(v) && (i === 0 ? v >= x0 && v <= x1 : !r.y || (v >= r.y[0] && v <= r.y[r.y.length - 1])));
  const out = d.filter((s) => !inside(s)).length;
  let note = `Gradient descent, ${how}: ${d.length - 1} steps from (${d[0].at.map(short).join(', ')}) to (${end.at.map(short).join(', ')}), ${r.function} from ${short(d[0].value)} to ${short(end.value)}.`;
  if (!finite(end.value)) note += ' It diverged: the rate is too large for how steep the function is here; try steps of fixed length or the line search.';
  else if (out) note += ` ${out} of the points are outside the plot.`;
  $('plot-note').textContent = note;
  $('plot-note').dataset.end = JSON.stringify(end.at);
  const ys = r.y;
  axes(ctx, W, H, pad, `${r.inputs[0]}: ${short(x0)} … ${short(x1)}`, ys ? `${r.inputs[1]}: ${short(ys[0])} … ${short(ys[ys.length - 1])}` : r.function);
}

function plotInside(r, ctx, W, H, pad, xs, x0, x1, sx, d) {
  if (!r.y) {
    const vals = r.values[0].filter(finite).concat(d.map((s) => s.value).filter(finite));
    if (!vals.length) return;
    let lo = Math.min(...vals), hi = Math.max(...vals);
    if (hi === lo) { hi += 1; lo -= 1; }
    const sy = (y) => H - pad - (y - lo) / (hi - lo) * (H - 2 * pad);
    ctx.fillStyle = '#333';
    ctx.fillText(`${short(hi)}`, pad + 4, pad + 14);
    ctx.fillText(`${short(lo)}`, pad + 4, H - pad - 4);
    ctx.strokeStyle = '#2f6fd6';
    ctx.lineWidth = 2;
    ctx.beginPath();
    let pen = false;
    r.values[0].forEach((v, i) => {
      if (!finite(v)) { pen = false; return; }
      if (pen) ctx.lineTo(sx(xs[i]), sy(v)); else ctx.moveTo(sx(xs[i]), sy(v));
      pen = true;
    });
    ctx.stroke();
    descentPath(ctx, d.map((s) => [sx(s.at[0]), sy(s.value)]));
    const s0 = d[0];
    if (finite(s0.value) && finite(s0.gradient[0])) {
      const g = s0.gradient[0];
      // The gradient: an arrow along x, uphill, its length growing with |g|.
      const len = Math.sign(g) * Math.min(80, 12 + 20 * Math.log10(1 + Math.abs(g)));
      arrow(ctx, sx(s0.at[0]), sy(s0.value), sx(s0.at[0]) + len, sy(s0.value), '#c62828', `f' = ${short(g)}`);
    }
  } else {
    const ys = r.y, y0 = ys[0], y1 = ys[ys.length - 1];
    const sy = (y) => H - pad - (y - y0) / (y1 - y0) * (H - 2 * pad);
    const vals = r.values.flat().filter(finite).sort((a, b) => a - b);
    if (!vals.length) return;
    const lo = vals[Math.floor(vals.length * 0.02)], hi = vals[Math.floor(vals.length * 0.98)] || lo + 1;
    const n = xs.length, m = ys.length;
    const img = ctx.createImageData(n, m);
    for (let j = 0; j < m; j++) for (let i = 0; i < n; i++) {
      const v = r.values[j][i];
      const k = ((m - 1 - j) * n + i) * 4;
      const [R, G, B] = finite(v) ? color((v - lo) / (hi - lo || 1)) : [200, 200, 200];
      img.data[k] = R; img.data[k + 1] = G; img.data[k + 2] = B; img.data[k + 3] = 255;
    }
    const tmp = document.createElement('canvas');
    tmp.width = n; tmp.height = m;
    tmp.getContext('2d').putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(tmp, pad, pad, W - 2 * pad, H - 2 * pad);
    descentPath(ctx, d.map((s) => [sx(s.at[0]), sy(s.at[1])]));
    const s0 = d[0];
    const [gx, gy] = s0.gradient;
    if (finite(gx) && finite(gy) && (gx || gy)) {
      const norm = Math.hypot(gx, gy);
      const px = sx(s0.at[0]), py = sy(s0.at[1]);
      arrow(ctx, px, py, px + gx / norm * 60, py - gy / norm * 60, '#ffffff', `∇f = (${short(gx)}, ${short(gy)})`);
    }
  }
}

function color(t) {
  t = Math.max(0, Math.min(1, t));
  // A blue–yellow ramp through teal, readable with the red path on top.
  const stops = [[38, 20, 105], [33, 104, 160], [37, 171, 130], [250, 230, 80]];
  const x = t * (stops.length - 1), i = Math.min(stops.length - 2, Math.floor(x)), f = x - i;
  return stops[i].map((a, k) => Math.round(a + (stops[i + 1][k] - a) * f));
}

function axes(ctx, W, H, pad, xl, yl) {
  ctx.strokeStyle = '#555';
  ctx.lineWidth = 1;
  ctx.strokeRect(pad, pad, W - 2 * pad, H - 2 * pad);
  ctx.fillStyle = '#333';
  ctx.fillText(xl, pad, H - 12);
  ctx.fillText(yl, pad, 22);
}

function descentPath(ctx, pts) {
  ctx.strokeStyle = '#c62828';
  ctx.fillStyle = '#c62828';
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  pts.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
  ctx.stroke();
  for (const [x, y] of pts) { ctx.beginPath(); ctx.arc(x, y, 2.5, 0, 2 * Math.PI); ctx.fill(); }
  if (pts.length) {
    ctx.beginPath();
    ctx.arc(pts[0][0], pts[0][1], 5, 0, 2 * Math.PI);
    ctx.fillStyle = '#000';
    ctx.fill();
  }
}

function arrow(ctx, x0, y0, x1, y1, colour, label) {
  ctx.strokeStyle = colour;
  ctx.fillStyle = colour;
  ctx.lineWidth = 2.5;
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.lineTo(x1, y1);
  ctx.stroke();
  const a = Math.atan2(y1 - y0, x1 - x0);
  ctx.beginPath();
  ctx.moveTo(x1, y1);
  ctx.lineTo(x1 - 10 * Math.cos(a - 0.4), y1 - 10 * Math.sin(a - 0.4));
  ctx.lineTo(x1 - 10 * Math.cos(a + 0.4), y1 - 10 * Math.sin(a + 0.4));
  ctx.closePath();
  ctx.fill();
  ctx.lineWidth = 3;
  ctx.strokeStyle = '#fff';
  ctx.strokeText(label, x1 + 6, y1 - 6);
  ctx.fillStyle = '#000';
  ctx.fillText(label, x1 + 6, y1 - 6);
}

// ---- downloads ----

function download(name, type, data) {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

async function downloadExplanation(format) {
  const body = explainQuery({ format });
  try {
    const text = await api('explain', body, undefined, true);
    download(format === 'markdown' ? 'explanation.md' : 'explanation.tex', format === 'markdown' ? 'text/markdown' : 'text/x-tex', text);
  } catch (err) {
    $('step').textContent = err.message;
  }
}

// ---- wiring ----

function init() {
  const fromHash = loadHash();
  const ed = $('editor');
  ed.value = state.program;
  $('level').value = state.level;
  $('mode').value = state.mode;
  $('direction-box').hidden = state.mode !== 'forward';
  $('method').value = state.method;
  $('rate').value = String(state.rate);
  $('steps').value = String(state.steps);
  $('span').value = String(state.span);
  ed.addEventListener('input', () => {
    state.program = ed.value;
    if (!$('error').hidden) markError(0, 0); // the old mark no longer fits the text
    schedule(300);
  });
  ed.addEventListener('scroll', () => { $('mirror').scrollTop = ed.scrollTop; });
  $('level').addEventListener('change', () => { state.level = $('level').value; state.step = -1; schedule(0); });
  $('mode').addEventListener('change', () => {
    state.mode = $('mode').value;
    $('direction-box').hidden = state.mode !== 'forward';
    state.step = -1;
    schedule(0);
  });
  $('func').addEventListener('change', () => { state.func = $('func').value; state.step = -1; last.inputs = []; schedule(0); });
  $('method').addEventListener('change', () => { state.method = $('method').value; schedule(0); });
  $('paths-wrt').addEventListener('change', () => { state.pathsWrt = $('paths-wrt').value; schedule(0); });
  $('diff-wrt').addEventListener('change', () => { state.diffWrt = $('diff-wrt').value; schedule(0); });
  for (const k of ['rate', 'steps', 'span']) {
    $(k).addEventListener('input', () => {
      const v = Number($(k).value);
      if ($(k).value !== '' && Number.isFinite(v)) { state[k] = v; schedule(200); }
    });
  }
  $('first').addEventListener('click', () => go(0));
  $('prev').addEventListener('click', () => go(state.step - 1));
  $('next').addEventListener('click', () => go(state.step + 1));
  $('last').addEventListener('click', () => go(steps().length - 1));
  document.addEventListener('keydown', (ev) => {
    const t = ev.target;
    if (t instanceof HTMLTextAreaElement || t instanceof HTMLInputElement || t instanceof HTMLSelectElement) return;
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const k = { ArrowRight: 1, ArrowDown: 1, n: 1, ArrowLeft: -1, ArrowUp: -1, p: -1 }[ev.key];
    if (k) { go(state.step + k); ev.preventDefault(); }
    if (ev.key === 'Home') { go(0); ev.preventDefault(); }
    if (ev.key === 'End') { go(steps().length - 1); ev.preventDefault(); }
  });
  $('download-svg').addEventListener('click', () => {
    const s = $('graph-svg');
    if (s) download('graph.svg', 'image/svg+xml', new XMLSerializer().serializeToString(s));
  });
  $('download-md').addEventListener('click', () => downloadExplanation('markdown'));
  $('download-tex').addEventListener('click', () => downloadExplanation('latex'));
  $('share').addEventListener('click', async () => {
    saveHash();
    try { await navigator.clipboard.writeText(location.href); $('share').textContent = 'Link copied'; } catch (e) { $('share').textContent = 'Link in the address bar'; }
    setTimeout(() => { $('share').textContent = 'Copy link'; }, 1500);
  });
  window.addEventListener('hashchange', () => {
    const before = location.hash;
    loadHash();
    if ($('editor').value !== state.program) $('editor').value = state.program;
    $('method').value = state.method;
    $('direction').dataset.names = ''; // rebuild the direction's fields with the link's values
    last.inputs = []; // rebuild the point's inputs with the link's values
    if (location.hash === before) schedule(0);
  });
  if (!fromHash) state.step = -1;
  refresh();
}

init();
