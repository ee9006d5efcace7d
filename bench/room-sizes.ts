/** Rooms of 2, 3, 4, 5, 6, 2, ... members holding `n` connections in all (never a room of one). */
export function roomSizes(n: number): number[] {
  const sizes: number[] = [];
  let left = n;
  for (let i = 0; left > 0; i++) {
    let size = 2 + (i % 5);
    if (left - size === 1) size++;
    if (size > left) size = left;
    sizes.push(size);
    left -= size;
  }
  return sizes;
}
