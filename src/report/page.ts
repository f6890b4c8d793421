/** The style every report page shares. */
export const PAGE_STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1320px;color:#222;padding:0 16px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px}
#answer{border-left:4px solid #0072b2;background:#f3f8fc;padding:4px 16px;margin:12px 0}#answer h2{margin-top:8px}
.charts{display:flex;flex-wrap:wrap;gap:20px}figure{margin:0;width:640px}figcaption{font-weight:600;margin-bottom:4px}
svg text{font-size:11px;fill:#333}svg .axis-title{font-size:12px}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}td:first-child,th:first-child{text-align:left}
th{background:#f4f4f4}.note{color:#555}.swatch{display:inline-block;width:10px;height:10px;margin-right:6px}
details{margin:8px 0}details table{font-size:12px}`;
