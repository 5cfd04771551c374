// The Store contract suite on SQLite: a file database and an in-memory one.
#include "tests/store/contract_fixture.h"

namespace herald::store::testing {

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContractTest,
                         ::testing::Values(BackendKind::kSqliteFile, BackendKind::kSqliteMemory),
                         [](const auto& param_info) { return BackendName(param_info.param); });

}  // namespace herald::store::testing
