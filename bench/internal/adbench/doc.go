// Package adbench holds the three objectives of ADBench (Srajer, Kukelova
// and Fitzgibbon, "A benchmark of selected algorithmic differentiation
// tools on some problems in computer vision and machine learning", 2018)
// written with backprop, with readers of ADBench's input files and
// writers of its output files.
//
// The definitions follow ADBench's own code (github.com/microsoft/ADBench,
// src/cpp/shared), not the paper where the two differ:
//
//   - GMM: Q_k is lower-triangular with exp(icf[k][j]) on the diagonal
//     and the strictly-lower entries icf[k][d:], column by column; the
//     objective includes the constant −n·d/2·log 2π and the Wishart
//     prior's normalising constant.
//   - BA: the reprojection error is w·(proj − feature), and the weight
//     error 1 − w²; observation i uses camera i mod n and point i mod m,
//     since each file holds one camera, point, weight and feature that
//     ADBench replicates.
//   - LSTM: the log-sum-exp of a prediction is log(Σ exp(y) + 2).
package adbench
