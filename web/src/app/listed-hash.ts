// The info hash a typed link names, to find it in the list before it is added again; a link that does not parse
// names none (the engine then says what is wrong with it).
import { parseMagnet } from '../../../shared/codec/magnet';

export function listedHash(link: string): string {
  try {
    return parseMagnet(link, { v2: true }).infoHashHex;
  } catch {
    return '';
  }
}
