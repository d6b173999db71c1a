/**
 * The keys of a JSON text's outermost object in order of appearance, repeats included (JSON.parse keeps only the
 * last of a repeated key, which would hide a duplicated tensor name). The text must already parse as JSON.
 */
export function topLevelKeys(json: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  let i = 0;
  while (i < json.length) {
    const c = json[i];
    if (c === '"') {
      const start = i;
      for (i++; json[i] !== '"'; i++) if (json[i] === '\\') i++;
      i++;
      if (depth === 1) {
        let j = i;
        while (/\s/.test(json[j])) j++;
        if (json[j] === ':') keys.push(JSON.parse(json.slice(start, i)) as string);
      }
      continue;
    }
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    i++;
  }
  return keys;
}
