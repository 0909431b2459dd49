// A perfectly ordinary shared object that is not a mentoring module.
extern "C" __attribute__((visibility("default"))) int add_numbers(int a, int b) {
  return a + b;
}
