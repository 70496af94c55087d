// Mail or document HTML shown as it would look, in a sandbox: no script runs, the frame has no origin
// (it cannot read the console's storage or call the API), and the console's CSP still holds inside it
// (remote images, such as a logo on another host, stay blank in the preview).
export function HtmlPreview({ title, html, minHeight = 160 }: { title: string; html: string; minHeight?: number }) {
  return <iframe title={title} sandbox="" srcDoc={html} style={{ width: '100%', minHeight, border: '1px solid var(--mantine-color-gray-3)', background: 'white' }} />;
}
