add_executable(apiary-server main.cpp server_summary.cpp stream_reception.cpp dataset_recording.cpp progress_file.cpp
  resume.cpp trainer_options.cpp sources/sample_source.cpp sources/stream_source.cpp sources/dataset_source.cpp)
target_link_libraries(apiary-server PRIVATE apiary_rank_state apiary_trainer apiary_ingest apiary_buffer apiary_dataset apiary_config
                      apiary_plan apiary_metrics apiary_parallel apiary_samples CLI11::CLI11 spdlog::spdlog apiary_warnings)
apiary_use_openblas(apiary-server)
