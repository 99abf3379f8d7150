package renalseg.report;

/** The report page's inline style sheet and script (the page must work offline, with no other file). */
final class ReportAssets {

    private ReportAssets() {
    }

    static final String CSS = """
        :root { --ink:#1d2733; --muted:#5d6b7a; --line:#d9dee4; --head:#17324d; --accent:#2e6eb4; --bg:#f5f7f9; }
        * { box-sizing: border-box; }
        body { margin:0; font-family: -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "DejaVu Sans", sans-serif;
               color:var(--ink); background:var(--bg); font-size:14px; line-height:1.45; }
        header { background:var(--head); color:#fff; padding:18px 0 0; }
        .wrap, main { max-width:1220px; margin:0 auto; padding:0 20px; }
        h1 { font-size:22px; margin:0 0 4px; font-weight:600; }
        .meta { color:#c6d3e0; font-size:13px; }
        nav { margin-top:12px; display:flex; flex-wrap:wrap; gap:2px; }
        nav a { color:#dfe8f1; text-decoration:none; padding:7px 12px 8px; font-size:13px; border-radius:4px 4px 0 0; }
        nav a:hover { background:rgba(255,255,255,.12); }
        section { background:#fff; border:1px solid var(--line); border-radius:6px; padding:14px 20px 18px; margin:18px 0; }
        h2 { font-size:17px; margin:0 0 10px; color:var(--head); border-bottom:2px solid var(--accent); padding-bottom:4px; }
        h3 { font-size:15px; margin:14px 0 2px; }
        .cards { display:grid; grid-template-columns:repeat(5, 1fr); gap:10px; margin:4px 0 14px; }
        .card { border:1px solid var(--line); border-left:4px solid var(--accent); border-radius:4px; padding:8px 12px; background:#fbfcfd; }
        .ct { font-size:12px; color:var(--muted); }
        .cv { font-size:24px; font-weight:600; font-variant-numeric: tabular-nums; }
        .cs { font-size:11.5px; color:var(--muted); }
        table.data { border-collapse:collapse; width:100%; font-variant-numeric: tabular-nums; font-size:13px; }
        table.data th { text-align:left; font-weight:600; background:#eef2f6; border-bottom:2px solid #c9d2dc; padding:6px 8px; white-space:nowrap; }
        table.data td { padding:4px 8px; border-bottom:1px solid #edf0f3; vertical-align:top; }
        table.data tbody tr:nth-child(even) { background:#fafbfc; }
        table.summary tr.group td { border-top:2px solid #d5dce3; }
        td.n, th.n { text-align:right; }
        td.paper { color:var(--accent); }
        td.low { color:#b3261e; font-weight:600; }
        td.det.fn, td.det.fp { color:#b3261e; font-weight:600; }
        td.det.tp { color:#1e7b34; }
        td.msg { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size:12px; }
        tr.total td { font-weight:600; border-top:2px solid #c9d2dc; }
        table.sortable th { cursor:pointer; user-select:none; }
        table.sortable th::after { content:" \\2195"; color:#9aa7b4; font-size:11px; }
        table.sortable th.asc::after { content:" \\25B2"; color:var(--accent); }
        table.sortable th.desc::after { content:" \\25BC"; color:var(--accent); }
        .scroll { max-height:560px; overflow:auto; border:1px solid var(--line); }
        .scroll thead th { position:sticky; top:0; }
        .grid { display:grid; grid-template-columns:repeat(2, minmax(0, 1fr)); gap:14px; }
        figure { margin:0; border:1px solid var(--line); border-radius:4px; padding:6px; background:#fff; }
        figure img { width:100%; height:auto; display:block; }
        figcaption { font-size:12px; color:var(--muted); padding:4px 2px 0; }
        img.overlay { max-width:100%; height:auto; border-radius:4px; display:block; }
        .example { margin-bottom:10px; }
        .note, .muted { color:var(--muted); font-size:12.5px; }
        .ok { color:#1e7b34; }
        .warn { color:#b3261e; }
        .sw { display:inline-block; width:22px; height:4px; vertical-align:middle; margin:0 3px 0 6px; border-radius:2px; }
        pre.config { background:#f4f6f8; border:1px solid var(--line); padding:10px 12px; max-height:420px; overflow:auto;
                     font-size:12px; line-height:1.35; }
        footer { max-width:1220px; margin:0 auto; padding:6px 20px 28px; color:var(--muted); font-size:12px; }
        @media print { body { background:#fff; } section { break-inside:avoid; border:none; } nav { display:none; } .scroll { max-height:none; } }
        """;

    /** Table sorting on header click; a marker of how many images loaded (read by the browser test). */
    static final String SCRIPT = """
        (function () {
          document.querySelectorAll('table.sortable').forEach(function (table) {
            var heads = table.tHead.rows[0].cells;
            Array.prototype.forEach.call(heads, function (th, col) {
              th.addEventListener('click', function () {
                var asc = !th.classList.contains('asc');
                Array.prototype.forEach.call(heads, function (o) { o.classList.remove('asc', 'desc'); });
                th.classList.add(asc ? 'asc' : 'desc');
                var text = th.getAttribute('data-type') === 'text';
                var body = table.tBodies[0];
                var rows = Array.prototype.slice.call(body.rows);
                function key(r) {
                  var c = r.cells[col];
                  if (text) { return c.textContent.trim(); }
                  var v = c.getAttribute('data-v');
                  return v === null || v === '' ? null : parseFloat(v);
                }
                rows.sort(function (a, b) {
                  var x = key(a), y = key(b);
                  if (x === null && y === null) { return 0; }
                  if (x === null) { return 1; }
                  if (y === null) { return -1; }
                  var d = text ? x.localeCompare(y) : x - y;
                  return asc ? d : -d;
                });
                rows.forEach(function (r) { body.appendChild(r); });
              });
            });
          });
          window.addEventListener('load', function () {
            var imgs = document.images, ok = 0;
            for (var i = 0; i < imgs.length; i++) {
              if (imgs[i].complete && imgs[i].naturalWidth > 0) { ok++; }
            }
            document.documentElement.setAttribute('data-images-total', String(imgs.length));
            document.documentElement.setAttribute('data-images-loaded', String(ok));
          });
        })();
        """;
}
