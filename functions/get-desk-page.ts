import { pathOf } from '#shared/routes/spec.ts';
import { getDeskPage as route } from '#shared/routes/get-desk-page.ts';
import { getDeskAsset as getDeskAssetRoute } from '#shared/routes/get-desk-asset.ts';
import { publicHandler } from '#shared/http/public-handler.ts';
import { deskBuild } from '#shared/http/desk-build.ts';
import { DESK_SECURITY_HEADERS } from '#shared/http/security-headers.ts';

/**
 * The front desk page: a shell with no data and no inline script or style (its policy allows
 * neither). The calendar's script defines `window.EventCalendar` before the page's own runs; both
 * are deferred, so they run in order once the document is parsed. The names are the build's hashed
 * ones, so the shell is never cached without asking again (`no-cache`), and the files forever.
 */
function shell(): string {
  const { page } = deskBuild().manifest;
  const asset = (name: string) => pathOf(getDeskAssetRoute, { asset: name });
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="referrer" content="no-referrer">
  <title>Front desk — Dental booking</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="${asset(page.calendarCss)}">
  <link rel="stylesheet" href="${asset(page.deskCss)}">
  <script src="${asset(page.calendarJs)}" defer></script>
  <script src="${asset(page.mainJs)}" defer></script>
</head>
<body>
  <main id="desk"></main>
</body>
</html>
`;
}

let page: string | undefined;

export const handler = publicHandler(route, async () => {
  page ??= shell();
  return {
    statusCode: 200,
    headers: { ...DESK_SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' },
    body: page,
  };
});
