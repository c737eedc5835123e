// Reads Server-Sent Events from a fetch response one at a time, as a test expects them in order.
export interface StreamEvent { id: string | null; event: string; data: any }

/** The next event of the stream each call (comments such as heartbeats skipped); `close` aborts the request. */
export async function openEventStream(url: string, init: RequestInit = {}) {
  const controller = new AbortController();
  const response = await fetch(url, { ...init, signal: controller.signal });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const next = async (): Promise<StreamEvent> => {
    for (;;) {
      let end: number;
      while ((end = buffer.indexOf('\n\n')) < 0) {
        const { value, done } = await reader.read();
        if (done) throw new Error('the stream ended');
        buffer += decoder.decode(value, { stream: true });
      }
      const lines = buffer.slice(0, end).split('\n').filter((line) => !line.startsWith(':'));
      buffer = buffer.slice(end + 2);
      const field = (name: string) => lines.find((line) => line.startsWith(`${name}: `))?.slice(name.length + 2) ?? null;
      const data = field('data');
      if (data !== null) return { id: field('id'), event: field('event') ?? 'message', data: JSON.parse(data) };
    }
  };
  return { response, next, close: () => controller.abort() };
}
