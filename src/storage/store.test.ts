import { testEngines } from '../testing/databases.js';
import { storeContract } from './store.contract.js';

for (const { engine, skip } of testEngines()) storeContract(engine, skip);
