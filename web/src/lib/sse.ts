/**
 * Server-sent events over fetch: splits a response body into events and hands
 * each event's joined `data:` lines to the caller. Enough of the SSE format for
 * an OpenAI-style stream (comments, CRLF, multi-line data, a final event
 * without a trailing blank line).
 */
export async function readSseData(body: ReadableStream<Uint8Array>, onData: (data: string) => void, signal?: AbortSignal): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const abort = () => {
    reader.cancel().catch(() => undefined);
  };
  signal?.addEventListener('abort', abort, { once: true });
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        buffer += decoder.decode();
        break;
      }
      buffer += decoder.decode(value, { stream: true });
      let boundary = findBoundary(buffer);
      while (boundary) {
        const block = buffer.slice(0, boundary.index);
        buffer = buffer.slice(boundary.index + boundary.length);
        dispatch(block, onData);
        boundary = findBoundary(buffer);
      }
    }
    if (buffer.trim()) dispatch(buffer, onData);
  } finally {
    signal?.removeEventListener('abort', abort);
  }
}

function findBoundary(text: string): { index: number; length: number } | null {
  const match = /\r\n\r\n|\n\n|\r\r/.exec(text);
  return match ? { index: match.index, length: match[0].length } : null;
}

function dispatch(block: string, onData: (data: string) => void): void {
  const lines: string[] = [];
  for (const line of block.split(/\r\n|\n|\r/)) {
    if (line.startsWith(':')) continue;
    if (line === 'data') lines.push('');
    else if (line.startsWith('data:')) lines.push(line.slice(line[5] === ' ' ? 6 : 5));
  }
  if (lines.length > 0) onData(lines.join('\n'));
}
