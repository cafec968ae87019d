// boxserve's page: choose a model, drop an image, see the boxes; run the training examples.
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
      option.textContent = `${m.name} (${m.status}${random})`;
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
    $('model-info').textContent = `${m.family || ''} · ${m.engine} · COCO mAP ${m.boxMap ?? '?'}`;
    const warning = $('random-warning');
    warning.hidden = !(m.weights && m.weights.random);
    warning.textContent = m.weights ? m.weights.description : '';
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

  document.querySelectorAll('.tab').forEach((tab) => tab.addEventListener('click', () => {
    document.querySelectorAll('.tab').forEach((t) => t.classList.toggle('active', t === tab));
    document.querySelectorAll('.panel').forEach((p) => { p.hidden = p.id !== 'panel-' + tab.dataset.panel; });
    if (tab.dataset.panel === 'training') loadExamples().catch((e) => showError(e.message));
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
  $('token-save').addEventListener('click', () => {
    state.token = $('token').value;
    sessionStorage.setItem('boxserve-token', state.token);
    $('token-prompt').hidden = true;
    loadModels().catch((e) => showError(e.message));
  });

  loadModels().catch((e) => showError(e.message));
  setInterval(() => { if (!state.models.every((m) => m.status === 'READY' || m.status === 'FAILED')) loadModels().catch(() => {}); }, 3000);
})();
