// xterm.js writes its theme and cell sizes into <style> elements it creates, which the host's
// strict CSP (style-src 'self', nothing inline) refuses. While a terminal lives, <style> elements
// created on this document are stand-ins whose text goes into a constructed style sheet
// (document.adoptedStyleSheets): CSSOM, which the CSP allows, like the style properties noVNC
// sets. Nothing else on our pages creates <style> elements.

export function installStyleShim(doc: Document): () => void {
  const original = doc.createElement;
  const sheets = new Set<CSSStyleSheet>();
  const create = function (this: Document, tag: string, options?: ElementCreationOptions): HTMLElement {
    if (tag.toLowerCase() !== 'style') return original.call(this, tag, options);
    const sheet = new CSSStyleSheet();
    const stand = original.call(this, 'template', options);
    sheets.add(sheet);
    doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
    let text = '';
    Object.defineProperty(stand, 'textContent', {
      get: () => text,
      set: (v: string | null) => {
        text = v ?? '';
        sheet.replaceSync(text);
      },
    });
    const remove = stand.remove.bind(stand);
    stand.remove = () => {
      remove();
      sheets.delete(sheet);
      doc.adoptedStyleSheets = doc.adoptedStyleSheets.filter((s) => s !== sheet);
    };
    return stand;
  };
  doc.createElement = create as typeof doc.createElement;
  return () => {
    doc.createElement = original;
    doc.adoptedStyleSheets = doc.adoptedStyleSheets.filter((s) => !sheets.has(s));
    sheets.clear();
  };
}
