// The designer's browser-side pieces, loaded as a module by DesignerCanvas and YamlPane (served by DesignerAssets.cs).
// Blazor registers wheel listeners as passive, so zooming with the wheel needs its own listener to keep the page still.

/** Forwards wheel turns over the canvas (with the pointer's position in it) and the canvas's size to .NET. */
export function attachCanvas(svg, dotnet) {
    const onWheel = e => {
        e.preventDefault();
        const r = svg.getBoundingClientRect();
        dotnet.invokeMethodAsync('OnWheel', e.deltaY, e.clientX - r.left, e.clientY - r.top);
    };
    svg.addEventListener('wheel', onWheel, { passive: false });
    const observer = new ResizeObserver(() => {
        const r = svg.getBoundingClientRect();
        dotnet.invokeMethodAsync('OnResize', r.width, r.height);
    });
    observer.observe(svg);
    return { dispose: () => { svg.removeEventListener('wheel', onWheel); observer.disconnect(); } };
}

/** The position of a client point relative to an element's top-left corner, in pixels. */
export function pointIn(element, clientX, clientY) {
    const r = element.getBoundingClientRect();
    return [clientX - r.left, clientY - r.top];
}

/** Puts the caret of a textarea at line:column (1-based), selects the rest of that line and scrolls it into view. */
export function revealLine(textarea, line, column) {
    const lines = textarea.value.split('\n');
    const index = Math.min(Math.max(line, 1), lines.length) - 1;
    let start = 0;
    for (let i = 0; i < index; i++) start += lines[i].length + 1;
    const col = Math.min(Math.max(column, 1) - 1, lines[index].length);
    textarea.focus({ preventScroll: true });
    textarea.setSelectionRange(start + col, start + lines[index].length);
    document.getElementById('yaml-line-' + (index + 1))?.scrollIntoView({ block: 'center' });
}
