# Sourced by the agent scripts. install_agent <prefix> <package> <version>: installs that exact version under
# <prefix> (npm install --no-save, so package.json and the lockfile stay untouched), unless it is already there.
install_agent() {
  local prefix=$1 package=$2 version=$3 installed
  installed=$(node -p "try { require('./$prefix/node_modules/$package/package.json').version } catch { '' }")
  if [ "$installed" != "$version" ]; then
    echo "Installing $package@$version under $prefix ..."
    npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$prefix" "$package@$version"
  fi
  echo "$package $version"
}
