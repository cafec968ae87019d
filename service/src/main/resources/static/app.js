// boxserve's page: choose a model, drop an image, see the boxes; run the training examples; evaluate the models.
// Talks only to this service's own API; no external scripts.
(() => {
  const $ = (id) => document.getElementById(id);
  const state = { models: [], image: null, imageBlob: null, token: sessionStorage.getItem('boxserve-token') };

  async function api(path, options = {}) {
    const headers = Object.assign({}, options.headers || {});
    if (state.token) headers['Authorization'] = 'Bearer ' + state.token;
    const response = await fetch(path, Object.assign({}, options, { headers }));
    if (response.status === 401) {
      $('token-prompt').hidden = false;
      throw new Error('this service needs an access token');
    }
    return response;
  }

  async function problemText(response) {
    try { const p = await response.json(); return (p.title || response.status) + ': ' + (p.detail || ''); }
    catch (e) { return 'HTTP ' + response.status; }
  }

  function showError(message) {
    $('error').hidden = !message;
    $('error').textContent = message || '';
  }

  async function loadModels() {
    const response = await api('/v1/models');
    const body = await response.json();
    state.models = body.models;
    const select = $('model');
    const previous = select.value;
    select.innerHTML = '';
    for (const m of body.models) {
      const option = document.createElement('option');
      option.value = m.name;
      const random = m.weights && m.weights.random ? ' — RANDOM WEIGHTS' : '';
      const reduced = m.precision && m.precision !== 'fp32' ? ` — ${m.precision.toUpperCase()}` : '';
      option.textContent = `${m.name} (${m.status}${random}${reduced})`;
      option.disabled = m.status !== 'READY';
      select.appendChild(option);
    }
    const ready = body.models.find((m) => m.name === previous && m.status === 'READY')
      || body.models.find((m) => m.status === 'READY');
    if (ready) select.value = ready.name;
    select.dataset.loaded = 'true';
    onModelChange();
  }

  function currentModel() {
    return state.models.find((m) => m.name === $('model').value);
  }

  function onModelChange() {
    const m = currentModel();
    if (!m) return;
    const floor = m.scoreThresholdFloor || 0;
    const slider = $('threshold');
    slider.min = floor;
    if (Number(slider.value) < floor) slider.value = floor;
    $('threshold-value').textContent = Number(slider.value).toFixed(3);
    $('model-info').textContent = `${m.family || ''} · ${m.engine} · ${m.precision} · COCO mAP ${m.boxMap ?? '?'}`;
    const warning = $('random-warning');
    warning.hidden = !(m.weights && m.weights.random);
    warning.textContent = m.weights ? m.weights.description : '';
    // int8 and bf16 answers differ from fp32's: the agreement measured when that model was made
    const reduced = $('precision-warning');
    reduced.hidden = !m.precision || m.precision === 'fp32';
    reduced.textContent = m.agreement
      ? `${m.precision.toUpperCase()}: answers differ from fp32's. Measured on ${m.agreement.images} images: `
        + `${(100 * m.agreement.matchedShare).toFixed(0)} % of fp32's detections matched at IoU ≥ 0.9, `
        + `feature maps' cosine with fp32 ≥ ${m.agreement.minFeatureCosine.toFixed(3)}.`
      : '';
    detect();
  }

  async function detect() {
    const m = currentModel();
    if (!m || !state.imageBlob) return;
    const params = new URLSearchParams();
    params.set('threshold', $('threshold').value);
    const classes = $('classes').value.trim();
    if (classes) params.set('classes', classes);
    try {
      const response = await api(`/v1/models/${encodeURIComponent(m.name)}/detect?${params}`, {
        method: 'POST', headers: { 'Content-Type': state.imageBlob.type || 'application/octet-stream' }, body: state.imageBlob });
      if (!response.ok) { showError(await problemText(response)); return; }
      const result = await response.json();
      showError('');
      draw(result);
      $('json').textContent = JSON.stringify(result, null, 2);
      $('json').dataset.ready = 'true';
    } catch (e) {
      showError(e.message);
    }
  }

  function draw(result) {
    const canvas = $('canvas');
    const context = canvas.getContext('2d');
    canvas.width = state.image.naturalWidth;
    canvas.height = state.image.naturalHeight;
    context.drawImage(state.image, 0, 0);
    context.lineWidth = Math.max(2, canvas.width / 320);
    context.font = `${Math.max(12, canvas.width / 50)}px sans-serif`;
    for (const d of result.detections) {
      const hue = (d.categoryId * 137) % 360;
      context.strokeStyle = `hsl(${hue}, 90%, 50%)`;
      context.fillStyle = context.strokeStyle;
      const b = d.box;
      context.strokeRect(b.x1, b.y1, b.x2 - b.x1, b.y2 - b.y1);
      const caption = `${d.label} ${d.score.toFixed(2)}`;
      const width = context.measureText(caption).width + 6;
      context.fillRect(b.x1, Math.max(0, b.y1 - 18), width, 18);
      context.fillStyle = 'black';
      context.fillText(caption, b.x1 + 3, Math.max(13, b.y1 - 4));
    }
    canvas.dataset.boxes = String(result.detections.length);
  }

  function useFile(file) {
    if (!file) return;
    state.imageBlob = file;
    const image = new Image();
    image.onload = () => { state.image = image; detect(); };
    image.src = URL.createObjectURL(file);
  }

  async function loadExamples() {
    const response = await api('/v1/training/examples');
    const examples = await response.json();
    $('example').innerHTML = examples.map((e) => `<option value="${e.name}" title="${e.description}">${e.name}</option>`).join('');
  }

  async function runExample() {
    const name = $('example').value;
    const response = await api(`/v1/training/examples/${name}`, { method: 'POST' });
    const body = await response.json();
    $('training-json').textContent = JSON.stringify(body, null, 2);
    if (body.lossCurve) {
      const svg = await api(`/v1/training/examples/${name}`, { method: 'POST', headers: { Accept: 'image/svg+xml' } });
      $('loss-curve').innerHTML = await svg.text();
    } else {
      $('loss-curve').innerHTML = '';
    }
  }

  async function okJson(response) {
    if (!response.ok) throw new Error(await problemText(response));
    return response.json();
  }

  function showNetworkError(message) {
    $('network-error').hidden = !message;
    $('network-error').textContent = message || '';
  }

  function element(tag, ...children) {
    const node = document.createElement(tag);
    node.append(...children);
    return node;
  }

  function row(cell, values) {
    return element('tr', ...values.map((v) => element(cell, v)));
  }

  // Loaded once: a second load would reset the preset and wipe the network being edited.
  function loadNetworkReference() {
    state.networkReference = state.networkReference || Promise.all([
      api('/v1/training/networks/presets').then(okJson), api('/v1/training/layers').then(okJson)])
      .then(([presets, layers]) => {
        state.presets = presets;
        $('network-preset').replaceChildren(...presets.map((p) => new Option(p.name, p.name)));
        choosePreset();
        const argument = (a) => (a.defaultValue == null ? a.name : `${a.name} = ${a.defaultValue}`);
        $('network-layers-table').replaceChildren(
          element('thead', row('th', ['kind', 'PyTorch', 'arguments (default)', 'shape', 'parameters'])),
          element('tbody', ...layers.map((l) => row('td',
            [l.kind, l.pytorch, l.arguments.map(argument).join(', '), l.shape, l.parameters]))));
      })
      .catch((e) => { state.networkReference = null; throw e; });
    return state.networkReference;
  }

  function choosePreset() {
    const preset = state.presets.find((p) => p.name === $('network-preset').value);
    $('network-preset-description').textContent = preset.description;
    $('network-preset-figure').textContent = preset.figure;
    $('network-json').value = JSON.stringify({ preset: preset.name });
  }

  function networkRequest(dryRun) {
    let request;
    try {
      request = JSON.parse($('network-json').value);
    } catch (e) {
      throw new Error('the network is not valid JSON: ' + e.message);
    }
    if (request === null || typeof request !== 'object' || Array.isArray(request)) {
      throw new Error('the network must be a JSON object, such as {"preset": "linear-module"}');
    }
    return dryRun ? Object.assign(request, { dryRun: true }) : request;
  }

  async function runNetwork(dryRun) {
    const result = $('network-result');
    const buttons = [$('network-train'), $('network-dry-run')];
    buttons.forEach((b) => { b.disabled = true; });
    $('network-status').textContent = dryRun ? 'Building…' : 'Training…';
    result.dataset.state = 'running';
    showNetworkError('');
    // stale figures next to a new network would mislead
    ['network-module', 'network-table', 'network-loss-chart', 'network-accuracy-chart', 'network-accuracy',
      'network-summary'].forEach((id) => $(id).replaceChildren());
    try {
      const body = JSON.stringify(networkRequest(dryRun));
      showNetwork(await okJson(await api('/v1/training/networks',
        { method: 'POST', headers: { 'Content-Type': 'application/json' }, body })));
      result.dataset.state = 'done';
    } catch (e) {
      showNetworkError(e.message);
      result.dataset.state = 'failed';
    } finally {
      buttons.forEach((b) => { b.disabled = false; });
      $('network-status').textContent = '';
    }
  }

  const shape = (s) => '[' + s.join(', ') + ']';

  function formatNumber(v) {
    if (v === 0) return '0';
    const size = Math.abs(v);
    return size >= 1e4 || size < 1e-3 ? v.toExponential(1) : String(Number(v.toPrecision(3)));
  }

  const percent = (v, digits = 1) => (v * 100).toFixed(digits) + ' %';

  function showNetwork(answer) {
    $('network-module').textContent = answer.module;
    showModuleTable(answer);
    const history = answer.history || [];
    if (history.length) {
      lineChart($('network-loss-chart'), history, [
        { name: 'training loss', key: 'loss' }, { name: 'held-out loss', key: 'validationLoss' }], 'loss', formatNumber);
      if (history[0].accuracy != null) {
        lineChart($('network-accuracy-chart'), history, [
          { name: 'training accuracy', key: 'accuracy' }, { name: 'held-out accuracy', key: 'validationAccuracy' }],
        'accuracy', (v) => percent(v, 0), [0, 1]);
      }
    }
    $('network-accuracy').textContent = headline(answer);
    $('network-summary').replaceChildren(...summary(answer).map((line) => element('div', line)));
  }

  function showModuleTable(answer) {
    const tensor = (text, frozen) => Object.assign(element('li', frozen ? text + ' · frozen' : text),
      { className: frozen ? 'frozen' : '' });
    const tensors = (layer) => element('ul',
      ...layer.parameters.map((p) => tensor(`${p.name} ${shape(p.shape)} · ${p.count}`, !p.trainable)),
      ...layer.buffers.map((b) => tensor(`${b.name} ${shape(b.shape)} · ${b.count} · buffer`, false)));
    const argumentsOf = (layer) => Object.entries(layer.arguments)
      .map(([name, value]) => `${name}=${JSON.stringify(value)}`).join(', ');
    const t = answer.parameterCount;
    $('network-table').replaceChildren(
      element('thead', row('th', ['#', 'kind', 'arguments', 'output shape', 'parameters'])),
      element('tbody', row('td', ['', 'input', '', shape(answer.inputShape), '']),
        ...answer.layers.map((l) => row('td', [String(l.index), l.kind, argumentsOf(l), shape(l.outputShape), tensors(l)]))),
      element('tfoot', row('td', ['', 'total', '', '', `${t.total} (trainable ${t.trainable}, frozen ${t.frozen})`])));
  }

  function headline(answer) {
    if (!answer.history) return 'Dry run: the module table alone, nothing trained.';
    const last = answer.history[answer.history.length - 1];
    if (!last) return 'No epoch finished.';
    if (last.validationAccuracy != null) {
      const held = answer.validationSamples;
      return `Held-out accuracy after epoch ${last.epoch}: ${percent(last.validationAccuracy)} `
        + `(${Math.round(last.validationAccuracy * held)} of ${held} held-out samples right)`;
    }
    if (last.accuracy != null) return `Training accuracy after epoch ${last.epoch}: ${percent(last.accuracy)} (none held out)`;
    return `Loss after epoch ${last.epoch}: ${formatNumber(last.loss)} (${answer.loss}; a regression has no accuracy)`;
  }

  function summary(answer) {
    if (!answer.history) return [];
    const lines = [`${answer.epochsDone} of ${answer.epochs} epochs in ${(answer.durationMs / 1000).toFixed(2)} s, `
      + `${answer.trainingSamples} training and ${answer.validationSamples} held-out samples`];
    if (answer.stoppedEarly) lines.push('Stopped early: ' + answer.stoppedEarly);
    const rounded = (key, value) => (typeof value === 'number' ? Number(value.toPrecision(4)) : value);
    if (answer.predictedClasses) lines.push('Predicted classes: ' + JSON.stringify(answer.predictedClasses));
    else if (answer.predictions) lines.push('Predictions: ' + JSON.stringify(answer.predictions, rounded));
    // a learner checks a small network's numbers by eye; a large one's would drown the page
    if (answer.parameters && answer.parameterCount.total <= 16) {
      lines.push('Parameters: ' + Object.entries(answer.parameters)
        .map(([name, p]) => `${name} = [${p.values.map((v) => v.toPrecision(4)).join(', ')}]`).join(', '));
    }
    return lines;
  }

  function svg(tag, attributes, text) {
    const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // Drawn here rather than fetched as SVG: the answer already holds every epoch's figures.
  function lineChart(container, history, series, label, format, range) {
    const width = 460; const height = 230; const left = 70; const right = 16; const top = 40; const bottom = 48;
    const drawn = series.filter((s) => history.every((h) => Number.isFinite(h[s.key])));
    const values = drawn.flatMap((s) => history.map((h) => h[s.key]));
    const [low, high] = range || [Math.min(...values), Math.max(...values)];
    // a loss that falls by decades is a cliff and a flat line on a linear axis
    const log = !range && low > 0 && high / low > 1000;
    const scale = log ? Math.log10 : (v) => v;
    let [from, to] = [scale(low), scale(high)];
    if (from === to) { from -= 0.5; to += 0.5; }
    const first = history[0].epoch; const last = history[history.length - 1].epoch;
    const x = (epoch) => left + (last === first ? 0.5 : (epoch - first) / (last - first)) * (width - left - right);
    const y = (v) => top + (1 - (scale(v) - from) / (to - from)) * (height - top - bottom);
    const chart = svg('svg', { width, height, viewBox: `0 0 ${width} ${height}`, class: 'chart', 'data-scale': log ? 'log' : 'linear' });
    chart.append(svg('line', { x1: left, y1: top, x2: left, y2: height - bottom, class: 'axis' }),
      svg('line', { x1: left, y1: height - bottom, x2: width - right, y2: height - bottom, class: 'axis' }));
    for (let i = 0; i <= 4; i++) {
      const t = from + (to - from) * i / 4;
      const value = log ? 10 ** t : t;
      chart.append(svg('text', { x: left - 6, y: y(value) + 4, 'text-anchor': 'end', class: 'tick' }, format(value)));
    }
    const epochs = [...new Set([0, 1, 2, 3, 4].map((i) => Math.round(first + (last - first) * i / 4)))];
    for (const epoch of epochs) {
      chart.append(svg('text', { x: x(epoch), y: height - bottom + 16, 'text-anchor': 'middle', class: 'tick' }, String(epoch)));
    }
    chart.append(svg('text', { x: left + (width - left - right) / 2, y: height - 8, 'text-anchor': 'middle', class: 'axis-label' }, 'epoch'),
      svg('text', { x: 14, y: top + (height - top - bottom) / 2, 'text-anchor': 'middle', class: 'axis-label',
        transform: `rotate(-90 14 ${top + (height - top - bottom) / 2})` }, log ? label + ' (log scale)' : label));
    drawn.forEach((s, i) => {
      const points = history.map((h) => `${x(h.epoch).toFixed(1)},${y(h[s.key]).toFixed(1)}`).join(' ');
      chart.append(svg('polyline', { points, class: 'series series-' + i }),
        svg('text', { x: width - right, y: 14 + 14 * i, 'text-anchor': 'end', class: 'legend series-' + i }, s.name));
    });
    container.replaceChildren(chart);
  }


  // ---- Evaluate: a job over labelled images, its progress, its figures and AP against latency
  const FIGURES = ['AP', 'AP50', 'AP75', 'APsmall', 'APmedium', 'APlarge', 'AR100'];

  function showEvaluationError(message) {
    $('evaluation-error').hidden = !message;
    $('evaluation-error').textContent = message || '';
  }

  async function loadEvaluationChoices() {
    const folders = await okJson(await api('/v1/evaluations/folders'));
    const select = $('evaluation-folder');
    select.replaceChildren(element('option', '(none)'));
    select.firstChild.value = '';
    for (const folder of folders.folders) {
      const option = element('option', folder);
      option.value = folder;
      select.appendChild(option);
    }
    select.disabled = !folders.dataRoot;
    const models = $('evaluation-models');
    models.replaceChildren();
    for (const m of state.models.filter((m) => m.status === 'READY')) {
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.value = m.name;
      box.checked = true;
      models.appendChild(element('label', box, ' ' + m.name));
    }
    models.dataset.loaded = 'true';
  }

  async function startEvaluation() {
    showEvaluationError('');
    const models = [...document.querySelectorAll('#evaluation-models input:checked')].map((b) => b.value);
    // none ticked would mean every READY model to the API: the opposite of what the page shows
    if (!models.length) throw new Error('tick at least one model');
    const file = $('evaluation-zip').files[0];
    const folder = $('evaluation-folder').value;
    let response;
    if (file) {
      const query = models.map((m) => 'models=' + encodeURIComponent(m)).join('&');
      response = await api('/v1/evaluations?' + query, { method: 'POST', headers: { 'Content-Type': 'application/zip' }, body: file });
    } else if (folder) {
      response = await api('/v1/evaluations', { method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ directory: folder, models }) });
    } else {
      throw new Error('choose a zip or a folder');
    }
    let job = await okJson(response);
    $('evaluation-result').dataset.state = 'running';
    $('evaluation-start').disabled = true;
    while (!['DONE', 'FAILED', 'CANCELLED'].includes(job.status)) {
      showEvaluation(job);
      await new Promise((resolve) => setTimeout(resolve, 500));
      job = await okJson(await api('/v1/evaluations/' + job.id));
    }
    $('evaluation-start').disabled = false;
    showEvaluation(job);
    if (job.failure) showEvaluationError(job.failure);
    $('evaluation-result').dataset.state = job.status === 'DONE' ? 'done' : 'failed';
  }

  function showEvaluation(job) {
    $('evaluation-status').textContent = `Job ${job.id}: ${job.status}, ${job.images} images`
      + (job.unmappedCategories.length ? `; no COCO category for ${job.unmappedCategories.join(', ')}` : '');
    $('evaluation-progress').replaceChildren(...job.models.map((run) => {
      const bar = document.createElement('progress');
      bar.max = run.imagesTotal;
      bar.value = run.imagesDone;
      const left = run.remainingMs != null && run.status === 'RUNNING' ? `, about ${Math.ceil(run.remainingMs / 1000)} s left` : '';
      const row = element('div', element('span', run.model), bar,
        element('span', `${run.imagesDone} / ${run.imagesTotal} ${run.status}${left}${run.failure ? ': ' + run.failure : ''}`));
      row.className = 'progress-row';
      return row;
    }));
    const done = job.models.filter((run) => run.result);
    const table = $('evaluation-table');
    table.replaceChildren();
    if (!done.length) return;
    table.appendChild(element('thead', row('th', ['model', ...FIGURES, 'latency p50', 'p90', 'images/s', 'engine', 'weights'])));
    const body = element('tbody');
    for (const run of done) {
      const r = run.result;
      const weights = element('td', r.weights.random ? 'RANDOM' : r.weights.source);
      if (r.weights.random) weights.className = 'random';
      const tr = row('td', [run.model, ...FIGURES.map((f) => formatFigure(r.figures.stats[f])),
        r.latencyMs.p50.toFixed(1) + ' ms', r.latencyMs.p90.toFixed(1) + ' ms', r.imagesPerSecond.toFixed(2), r.engine]);
      tr.appendChild(weights);
      body.appendChild(tr);
    }
    table.appendChild(body);
    apChart($('evaluation-chart'), done.map((run) => ({ model: run.model, ap: run.result.figures.stats.AP, ms: run.result.latencyMs.p50 })));
  }

  function formatFigure(v) {
    return v < 0 ? '-' : v.toFixed(3);
  }

  // AP against latency; the frontier (filled, joined) holds the fastest model for each AP level,
  // which is also the most accurate under each latency budget.
  function apChart(container, points) {
    const width = 520; const height = 260; const left = 60; const right = 20; const top = 20; const bottom = 44;
    const maxMs = Math.max(1, ...points.map((p) => p.ms)) * 1.1;
    const maxAp = Math.max(0.1, ...points.map((p) => Math.max(p.ap, 0))) * 1.1;
    const x = (ms) => left + ms / maxMs * (width - left - right);
    const y = (ap) => top + (1 - Math.max(ap, 0) / maxAp) * (height - top - bottom);
    const chart = svg('svg', { width, height, viewBox: `0 0 ${width} ${height}`, class: 'chart' });
    chart.append(svg('line', { x1: left, y1: top, x2: left, y2: height - bottom, class: 'axis' }),
      svg('line', { x1: left, y1: height - bottom, x2: width - right, y2: height - bottom, class: 'axis' }),
      svg('text', { x: left + (width - left - right) / 2, y: height - 8, 'text-anchor': 'middle', class: 'axis-label' }, 'latency p50 per image (ms)'),
      svg('text', { x: 14, y: top + (height - top - bottom) / 2, 'text-anchor': 'middle', class: 'axis-label',
        transform: `rotate(-90 14 ${top + (height - top - bottom) / 2})` }, 'AP'));
    for (let i = 0; i <= 4; i++) {
      chart.append(svg('text', { x: left - 6, y: y(maxAp * i / 4) + 4, 'text-anchor': 'end', class: 'tick' }, (maxAp * i / 4).toFixed(2)),
        svg('text', { x: x(maxMs * i / 4), y: height - bottom + 16, 'text-anchor': 'middle', class: 'tick' }, (maxMs * i / 4).toFixed(0)));
    }
    const frontier = [];
    for (const p of [...points].sort((a, b) => a.ms - b.ms || b.ap - a.ap)) {
      if (!frontier.length || p.ap > frontier[frontier.length - 1].ap) frontier.push(p);
    }
    chart.append(svg('polyline', { class: 'frontier', points: frontier.map((p) => `${x(p.ms).toFixed(1)},${y(p.ap).toFixed(1)}`).join(' ') }));
    for (const p of points) {
      const onFrontier = frontier.includes(p);
      chart.append(svg('circle', { cx: x(p.ms), cy: y(p.ap), r: 5, class: onFrontier ? 'frontier' : '', 'data-model': p.model }),
        // a label on the right half reads leftwards, so that it stays inside the chart
        svg('text', { x: x(p.ms) + (x(p.ms) > width / 2 ? -8 : 8), y: y(p.ap) - 8, class: 'point',
          'text-anchor': x(p.ms) > width / 2 ? 'end' : 'start' }, p.model));
    }
    container.replaceChildren(chart);
  }

  document.querySelectorAll('.tab').forEach((tab) => tab.addEventListener('click', () => {
    document.querySelectorAll('.tab').forEach((t) => t.classList.toggle('active', t === tab));
    document.querySelectorAll('.panel').forEach((p) => { p.hidden = p.id !== 'panel-' + tab.dataset.panel; });
    if (tab.dataset.panel === 'training') {
      loadExamples().catch((e) => showError(e.message));
      loadNetworkReference().catch((e) => showNetworkError(e.message));
    }
    if (tab.dataset.panel === 'evaluate') loadEvaluationChoices().catch((e) => showEvaluationError(e.message));
  }));
  $('model').addEventListener('change', onModelChange);
  $('threshold').addEventListener('input', () => { $('threshold-value').textContent = Number($('threshold').value).toFixed(3); });
  $('threshold').addEventListener('change', detect);
  $('classes').addEventListener('change', detect);
  $('image').addEventListener('change', (e) => useFile(e.target.files[0]));
  const drop = $('drop');
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => { e.preventDefault(); drop.classList.remove('over'); useFile(e.dataTransfer.files[0]); });
  $('run-example').addEventListener('click', () => runExample().catch((e) => showError(e.message)));
  $('network-preset').addEventListener('change', choosePreset);
  $('network-train').addEventListener('click', () => runNetwork(false));
  $('network-dry-run').addEventListener('click', () => runNetwork(true));
  $('evaluation-start').addEventListener('click', () => startEvaluation().catch((e) => {
    showEvaluationError(e.message);
    $('evaluation-start').disabled = false;
    $('evaluation-result').dataset.state = 'failed';
  }));
  $('token-save').addEventListener('click', () => {
    state.token = $('token').value;
    sessionStorage.setItem('boxserve-token', state.token);
    $('token-prompt').hidden = true;
    loadModels().catch((e) => showError(e.message));
  });

  loadModels().catch((e) => showError(e.message));
  setInterval(() => { if (!state.models.every((m) => m.status === 'READY' || m.status === 'FAILED')) loadModels().catch(() => {}); }, 3000);
})();
