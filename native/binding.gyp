{
  "target_defaults": {
    "cflags!": ["-fno-exceptions"],
    "cflags_cc!": ["-fno-exceptions"],
    "cflags_cc": ["-fexceptions", "-O3", "-std=c++17", "-fno-math-errno", "-Wno-psabi"],
    "include_dirs": ["src"]
  },
  "targets": [
    {
      "target_name": "kernels_generic",
      "type": "static_library",
      "sources": ["src/kernels.cc"],
      "defines": ["GAUNTLET_KERNEL_NS=generic"],
      "cflags_cc": ["-fPIC"]
    },
    {
      "target_name": "gauntlet_kernels",
      "sources": ["src/addon.cc"],
      "dependencies": ["kernels_generic"],
      "conditions": [
        ["target_arch=='x64'", { "dependencies": ["kernels_avx2"] }]
      ]
    }
  ],
  "conditions": [
    ["target_arch=='x64'", {
      "targets": [
        {
          "target_name": "kernels_avx2",
          "type": "static_library",
          "sources": ["src/kernels.cc"],
          "defines": ["GAUNTLET_KERNEL_NS=avx2"],
          "cflags_cc": ["-fPIC", "-mavx2", "-mfma"]
        }
      ]
    }]
  ]
}
