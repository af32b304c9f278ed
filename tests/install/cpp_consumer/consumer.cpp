// A C++ program built against an installed Apiary only (tests/install),
// through the header-only wrapper: without a study's environment,
// add_field throws apiary::ClientError with APIARY_STATUS_ENVIRONMENT.
#include <apiary/client.hpp>
#include <iostream>

int main() {
  try {
    apiary::Session session;
    session.add_field("temperature", 16);
  } catch (const apiary::ClientError& error) {
    std::cout << "cpp_consumer: Apiary " << APIARY_VERSION << ", add_field without a study: " << error.what() << "\n";
    return error.status() == APIARY_STATUS_ENVIRONMENT ? 0 : 1;
  }
  std::cerr << "cpp_consumer: add_field succeeded without a study\n";
  return 1;
}
