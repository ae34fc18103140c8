// Vite's `?url` imports: the address of a file the build copies as it is (the PDF reader's worker).
declare module '*?url' {
  const url: string;
  export default url;
}
