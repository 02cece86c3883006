// What the browser test (tests/test_browser.py) asks JupyterLab's page.
// Loaded into every page with Playwright's add_init_script; the test calls
// window.lifTest.<question>(...) through page.evaluate and wait_for_function.
window.lifTest = (() => {
  const WIDGET_VIEW = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.widget-view+json"]';

  // Error outputs below `root`. JupyterLab renders error outputs (tracebacks)
  // with the stderr mime type, exactly like text printed to stderr: tell them
  // apart by their content (a traceback, or a last line like "ValueError: ...").
  function findErrors(root) {
    const isErrorText = t => {
      if (/Traceback \(most recent call last\)/.test(t)) return true;
      const lines = t.split('\n').map(s => s.trim()).filter(Boolean);
      const last = lines.length ? lines[lines.length - 1] : '';
      return /^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt)(:|$)/.test(last);
    };
    const found = [];
    const q = sel => [...root.querySelectorAll(sel)];
    for (const el of q('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]'))
      found.push(el);
    for (const el of q('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'))
      if (isErrorText(el.innerText)) found.push(el);
    for (const el of q(WIDGET_VIEW))
      if (/Error displaying widget|Failed to (load|render|create) (model|view)/.test(el.innerText))
        found.push(el);
    return found;
  }

  // Everything the test needs to know about the notebook that is shown.
  function state() {
    const panel = [...document.querySelectorAll('.jp-NotebookPanel')]
        .find(p => !p.classList.contains('lm-mod-hidden'));
    const bar = document.querySelector('.jp-StatusBar-Widget');
    const statusText = bar ? bar.innerText : '';
    const m = statusText.match(/^(.+?) \| (\w+)\s*$/m);
    const kernel = m ? {name: m[1].trim(), state: m[2]} : null;
    const dialogs = [...document.querySelectorAll('.jp-Dialog')]
        .map(d => d.innerText.trim());
    if (!panel) return {panel: false, statusText, kernel, dialogs};
    const codeCells = [...panel.querySelectorAll('.jp-Notebook .jp-Cell.jp-CodeCell')];
    const prompts = codeCells.map(
        c => (c.querySelector('.jp-InputPrompt')?.textContent || '').trim());
    const promptOf = el => {
      const cell = el.closest('.jp-CodeCell');
      if (!cell) return '?';
      const i = codeCells.indexOf(cell);
      return `code cell ${i + 1} ${prompts[i] || ''}`.trim();
    };
    const errors = findErrors(panel).map(el => ({where: promptOf(el), text: el.innerText}));
    const widgetViews = [...panel.querySelectorAll(WIDGET_VIEW)];
    const widgetsPending = widgetViews.filter(
        el => !el.querySelector('.jupyter-widgets')).length;
    const dashboards = [...panel.querySelectorAll('.lif-dashboard')]
        .filter(d => !d.parentElement.closest('.lif-dashboard'));
    const dashboardsReady = dashboards.every(d => {
      const s = d.querySelector('.lif-status');
      return s && /redraw\s+\d+/.test(s.innerText);
    });
    return {panel: true, statusText, kernel, dialogs, prompts, errors,
            widgetsPending, nDashboards: dashboards.length, dashboardsReady};
  }

  // The notebook is open with its n code cells and an idle kernel.
  function kernelReady(n) {
    const s = state();
    return s.panel && s.kernel && s.kernel.name !== 'No Kernel'
        && s.kernel.state === 'Idle' && s.prompts.length === n;
  }

  // nonEmpty: per code cell, does it have code (empty cells never run).
  function runFinished(nonEmpty) {
    const s = state();
    if (!s.panel || !s.kernel || s.kernel.state !== 'Idle') return false;
    if (s.kernel.name === 'No Kernel') return false;
    if (s.prompts.length !== nonEmpty.length) return false;
    if (s.prompts.some(p => p === '[*]:')) return false;
    const allRan = s.prompts.every((p, i) => !nonEmpty[i] || /^\[\d+\]:$/.test(p));
    return allRan || s.errors.length > 0;
  }

  function cleared(nCode) {
    const s = state();
    return s.panel && s.prompts.length === nCode
        && s.prompts.every(p => p === '[ ]:' || p === '')
        && !document.querySelector(
            '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-OutputArea-output');
  }

  function widgetsReady() {
    const s = state();
    return s.panel && (s.errors.length > 0 || (s.widgetsPending === 0 && s.dashboardsReady));
  }

  // The first slider of `dash` shows a new value and the status line has
  // caught up (true early if a traceback shows up: the caller reports it).
  function redrawn(dash, oldReadout, oldN) {
    if (findErrors(dash).length) return true;
    const slider = dash.querySelector('.widget-slider');
    const readout = slider && slider.querySelector('.widget-readout');
    const status = dash.querySelector('.lif-status');
    if (!readout || !status) return false;
    const value = readout.textContent.trim();
    if (value === oldReadout) return false;
    const text = status.innerText;
    const m = [...text.matchAll(/redraw\s+(\d+)/g)];
    if (!m.length || Number(m[m.length - 1][1]) <= oldN) return false;
    return text.includes('=' + value);
  }

  function figureChanged(dash, oldSrc) {
    if (findErrors(dash).length) return true;
    const img = dash.querySelector('.widget-output img');
    if (img) return img.getAttribute('src') !== oldSrc;
    return !!dash.querySelector('.lif-error');
  }

  // Scroll the notebook to the top; return how much taller than its
  // scroll area the notebook's cells are (0 if they fit).
  function notebookHeight() {
    const panel = [...document.querySelectorAll('.jp-NotebookPanel')]
        .find(p => !p.classList.contains('lm-mod-hidden'));
    const scroller = panel && (panel.querySelector('.jp-WindowedPanel-outer')
                               || panel.querySelector('.jp-Notebook'));
    if (!scroller) return 0;
    scroller.scrollTop = 0;
    const cells = panel.querySelectorAll('.jp-Notebook .jp-Cell');
    if (!cells.length) return 0;
    const bottom = cells[cells.length - 1].getBoundingClientRect().bottom;
    const content = bottom - scroller.getBoundingClientRect().top + 24;
    return Math.max(0, Math.ceil(content - scroller.clientHeight));
  }

  // The keyboard pass (tests/test_browser.py): which control of `dash` has the
  // focus, its value as shown, whether the focus is visible, and the status.
  const CONTROL = '.widget-slider, .widget-hslider, .widget-dropdown';
  function controlCount(dash) {
    return [...dash.querySelectorAll(CONTROL)].length;
  }
  function focused(dash) {
    const el = document.activeElement;
    const controls = [...dash.querySelectorAll(CONTROL)];
    const control = el && el.closest(CONTROL);
    const index = control ? controls.indexOf(control) : -1;
    const inside = !!(el && dash.contains(el));
    let kind = null, value = null, atEnd = false;
    if (el && el.classList.contains('noUi-handle')) {
      kind = 'slider';
      value = control.querySelector('.widget-readout').textContent.trim();
      atEnd = Number(el.getAttribute('aria-valuenow')) >= Number(el.getAttribute('aria-valuemax'));
    } else if (el && el.tagName === 'SELECT') {
      kind = 'select';
      value = el.options[el.selectedIndex].text;
      atEnd = el.selectedIndex === el.options.length - 1;
    }
    const s = el ? getComputedStyle(el) : null;
    const visible = !!s && ((s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0)
                            || (s.boxShadow && s.boxShadow !== 'none'));
    return {index, inside, kind, value, atEnd, visible,
            label: control ? (control.querySelector('.widget-label')?.textContent || '') : '',
            tag: el ? el.tagName + '.' + el.className : ''};
  }
  function statusOf(dash) {
    const status = dash.querySelector('.lif-status');
    const img = dash.querySelector('.widget-output img');
    const m = status ? [...status.innerText.matchAll(/redraw\s+(\d+)/g)] : [];
    return {text: status ? status.innerText : '', n: m.length ? Number(m[m.length - 1][1]) : -1,
            src: img ? img.getAttribute('src') : null, error: !!dash.querySelector('.lif-error'),
            live: status ? (status.querySelector('[aria-live]')?.getAttribute('aria-live') || '') : ''};
  }
  // After a key press on a control: a new 'redraw N' and a figure (or an error). The
  // figure is the same PNG when the new setting draws the same picture (max_step=1
  // instead of inf at a tight rtol), so a new one is not required here; the first
  // slider's check (redrawn, figureChanged) requires it.
  function keyRedrawn(dash, oldN, oldSrc) {
    const s = statusOf(dash);
    return s.n > oldN && (s.error || s.src !== null);
  }

  return {findErrors, state, kernelReady, runFinished, cleared, widgetsReady, redrawn,
          figureChanged, notebookHeight, controlCount, focused, statusOf, keyRedrawn};
})();
