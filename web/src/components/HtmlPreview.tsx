// Mail or document HTML shown as it would look, in a sandbox: no script runs, the frame has no origin
// (it cannot read the console's storage or call the API), and the console's CSP still holds inside it
// (remote images, such as a logo on another host, stay blank in the preview). A frame without an origin cannot be
// measured from outside, so it cannot grow to its content: it starts tall enough for a short mail and the reader
// drags its lower edge for a longer one.
export function HtmlPreview({ title, html, height = 320 }: { title: string; html: string; height?: number }) {
  return (
    <div style={{ resize: 'vertical', overflow: 'hidden', height, minHeight: 120, border: '1px solid var(--mantine-color-gray-3)', background: 'white' }}>
      <iframe title={title} sandbox="" srcDoc={html} style={{ display: 'block', width: '100%', height: '100%', border: 0 }} />
    </div>
  );
}
