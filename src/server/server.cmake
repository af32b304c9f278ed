# The server's reception over its receiver: what it binds, server.json,
# Ingest. A library of its own, as the launcher's tests run it too.
add_library(apiary_stream_reception STATIC stream_reception.cpp bind_address.cpp)
target_link_libraries(apiary_stream_reception PUBLIC apiary_ingest apiary_config apiary_common
                      PRIVATE nlohmann_json::nlohmann_json spdlog::spdlog apiary_warnings)

add_executable(apiary-server main.cpp server_summary.cpp dataset_recording.cpp progress_file.cpp
  resume.cpp trainer_options.cpp sources/sample_source.cpp sources/stream_source.cpp sources/dataset_source.cpp)
target_link_libraries(apiary-server PRIVATE apiary_stream_reception apiary_rank_state apiary_trainer apiary_ingest apiary_buffer apiary_dataset apiary_config
                      apiary_plan apiary_metrics apiary_parallel apiary_samples CLI11::CLI11 spdlog::spdlog apiary_warnings)
apiary_use_openblas(apiary-server)
