// herald-emulator: one executable, one subcommand per emulated network.
#include "tests/emulators/common/emulator_registry.h"

int main(int argc, char** argv) {
  herald::emulators::EmulatorRegistry registry;
  herald::emulators::RegisterAllEmulators(registry);
  return herald::emulators::EmulatorMain(registry, argc, argv);
}
