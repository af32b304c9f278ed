/* Linked into every executable of the sanitized build only
   (cmake/ApiaryOptions.cmake, APIARY_SANITIZE): dlclose keeps the module
   loaded. LeakSanitizer reports at exit, after Open MPI and PMIx have
   dlclose'd their plugins (mca_*.so); a leak allocated in an unloaded
   plugin would show as "<unknown module>", which neither a reader nor a
   suppression (cmake/sanitizers/lsan.supp) can name. Unloading at exit
   frees nothing that matters; nothing in Apiary relies on it. */
int dlclose(void* handle);

int dlclose(void* handle) {
  (void)handle;
  return 0;
}
