import { MemoryPieceStorage } from './piece-storage';
import { describePieceStorageContract } from './testing/piece-storage-contract';

describePieceStorageContract([['MemoryPieceStorage', () => new MemoryPieceStorage()]]);
