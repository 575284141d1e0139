import type { Attribute } from '../attributes/attributes.schema.ts';
import { parseBoolean, parseDate, parseMultiSelect, parseNumber, parseSelect, splitFullName, splitMultiValue, type CellResult } from './csv/cell-values.ts';
import type { MappingContext } from './map-row.ts';

const settle = <T>(r: CellResult<T>): { value: unknown } | { code: string; message: string } => ('error' in r ? r.error : { value: r.value });

/** Cell parsers for one run (the reader's cell-values.ts), with each attribute's type and the workspace's locale. */
export function cellParsers(attributes: Attribute[], locale: string): Pick<MappingContext, 'attributeValue' | 'parseBoolean' | 'splitMulti' | 'splitFullName'> {
  const byKey = new Map(attributes.map((a) => [a.key, a]));
  return {
    parseBoolean: (raw) => {
      const r = parseBoolean(raw);
      return 'error' in r || r.value === null ? undefined : r.value;
    },
    splitMulti: splitMultiValue,
    splitFullName: (raw) => splitFullName(raw, locale),
    attributeValue(key, raw) {
      const a = byKey.get(key);
      if (!a) return { code: 'unknown_attribute', message: `No contact attribute "${key}" is defined in this workspace` };
      switch (a.type) {
        case 'text': return { value: raw };
        case 'number': return settle(parseNumber(raw, locale));
        case 'date': return settle(parseDate(raw, locale));
        case 'boolean': return settle(parseBoolean(raw));
        case 'single_select': return settle(parseSelect(raw, a.options));
        case 'multi_select': return settle(parseMultiSelect(raw, a.options));
      }
    },
  };
}
