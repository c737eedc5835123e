// Indexed binary min-heap of deadlines. Each node knows its own position, so a node is
// in the heap at most once and its key can be changed in O(log n) without searching.

export interface HeapNode {
  /** Position in the heap array, -1 when not in the heap. */
  heapPos: number;
  /** Deadline in ms; meaningful only while heapPos >= 0. */
  heapKey: number;
}

export class DeadlineHeap<T extends HeapNode> {
  private readonly nodes: T[] = [];

  get size(): number {
    return this.nodes.length;
  }

  /** The node with the earliest deadline, or undefined. */
  peek(): T | undefined {
    return this.nodes[0];
  }

  /** Inserts the node or moves it to `key`, whichever applies. */
  set(node: T, key: number): void {
    if (node.heapPos < 0) {
      node.heapKey = key;
      node.heapPos = this.nodes.length;
      this.nodes.push(node);
      this.up(node.heapPos);
      return;
    }
    const old = node.heapKey;
    node.heapKey = key;
    if (key < old) this.up(node.heapPos);
    else if (key > old) this.down(node.heapPos);
  }

  remove(node: T): void {
    const pos = node.heapPos;
    if (pos < 0) return;
    const last = this.nodes.pop()!;
    node.heapPos = -1;
    if (last === node) return;
    this.nodes[pos] = last;
    last.heapPos = pos;
    this.down(pos);
    this.up(last.heapPos);
  }

  clear(): void {
    for (const n of this.nodes) n.heapPos = -1;
    this.nodes.length = 0;
  }

  private up(pos: number): void {
    const nodes = this.nodes;
    const node = nodes[pos]!;
    const key = node.heapKey;
    while (pos > 0) {
      const parentPos = (pos - 1) >> 1;
      const parent = nodes[parentPos]!;
      if (parent.heapKey <= key) break;
      nodes[pos] = parent;
      parent.heapPos = pos;
      pos = parentPos;
    }
    nodes[pos] = node;
    node.heapPos = pos;
  }

  private down(pos: number): void {
    const nodes = this.nodes;
    const n = nodes.length;
    const node = nodes[pos]!;
    const key = node.heapKey;
    for (;;) {
      let child = 2 * pos + 1;
      if (child >= n) break;
      const right = child + 1;
      if (right < n && nodes[right]!.heapKey < nodes[child]!.heapKey) child = right;
      const c = nodes[child]!;
      if (c.heapKey >= key) break;
      nodes[pos] = c;
      c.heapPos = pos;
      pos = child;
    }
    nodes[pos] = node;
    node.heapPos = pos;
  }
}
